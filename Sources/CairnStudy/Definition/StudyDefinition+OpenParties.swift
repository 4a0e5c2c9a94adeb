import Foundation

extension StudyDefinition {
    /// Reads a definition whose compute parties' `address` and `submissionKey` are still to be
    /// filled in (`cairn keys study` writes them from the parties' own files): either may be
    /// absent, `null` or empty. Otherwise only the file's shape is checked, as by
    /// ``decode(from:name:)``; the missing fields come back empty.
    public static func decodeLeavingPartiesOpen(from data: Data, name: String = "the study definition") throws -> StudyDefinition {
        let strict = DefinitionBytes.problems(Array(data))
        guard strict.isEmpty else { throw StudyProblems(subject: name, problems: strict) }
        guard var root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            var parties = root["computeParties"] as? [Any]
        else { return try decode(from: data, name: name) }
        var opened = false
        for (index, party) in parties.enumerated() {
            guard var fields = party as? [String: Any] else { continue }
            for field in ["address", "submissionKey"] where fields[field] == nil || fields[field] is NSNull {
                fields[field] = ""
                opened = true
            }
            parties[index] = fields
        }
        // Bytes that need nothing filled in are decoded as they are, not re-serialized.
        guard opened else { return try decode(from: data, name: name) }
        root["computeParties"] = parties
        return try decode(from: JSONSerialization.data(withJSONObject: root), name: name)
    }
}
