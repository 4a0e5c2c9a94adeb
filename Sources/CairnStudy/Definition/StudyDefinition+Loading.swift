import Foundation

extension StudyDefinition {
    /// Reads a study definition from JSON and checks it with ``validate()``.
    ///
    /// - Throws: ``StudyProblems`` listing every problem: JSON that cannot be read, unknown or
    ///   missing fields, values of the wrong kind, and everything ``validate()`` finds.
    public static func load(from data: Data, name: String = "the study definition") throws -> StudyDefinition {
        let definition = try decode(from: data, name: name)
        let problems = definition.validate()
        guard problems.isEmpty else { throw StudyProblems(subject: name, problems: problems) }
        return definition
    }

    /// Reads the study definition file at `path` and checks it with ``validate()``.
    public static func load(from path: String) throws -> StudyDefinition {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw StudyProblems(
                subject: path,
                problems: [StudyDefinitionProblem(place: "", message: "cannot be read (\(error.localizedDescription))")])
        }
        return try load(from: data, name: path)
    }

    /// Reads a study definition from JSON without ``validate()``: only the file's shape is checked,
    /// after its bytes (``DefinitionBytes``: UTF-8, no repeated key, nothing after the value).
    public static func decode(from data: Data, name: String = "the study definition") throws -> StudyDefinition {
        func fail(_ problems: [StudyDefinitionProblem]) -> StudyProblems { StudyProblems(subject: name, problems: problems) }
        let strict = DefinitionBytes.problems(Array(data))
        guard strict.isEmpty else { throw fail(strict) }
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw fail([StudyDefinitionProblem(
                place: "", message: "is not valid JSON" + (detail.map { " (\($0))" } ?? ""))])
        }
        var problems: [StudyDefinitionProblem] = []
        DefinitionSchema.study.check(root, path: [], root: root, problems: &problems)
        guard problems.isEmpty else { throw fail(problems) }
        do {
            return try JSONDecoder().decode(StudyDefinition.self, from: data)
        } catch let error as DecodingError {
            throw fail([DefinitionSchema.problem(for: error, root: root)])
        }
    }

    /// The definition as indented JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// The fields each object of a study file may have, to report unknown (usually misspelt) fields
/// instead of ignoring them, and plain descriptions of JSON paths.
indirect enum DefinitionSchema: Sendable {
    case object([String: DefinitionSchema])
    case array(DefinitionSchema)
    case anything

    static let cellRules = DefinitionSchema.object([
        "required": .anything, "minimum": .anything, "maximum": .anything, "decimalPlaces": .anything,
    ])

    static let study = DefinitionSchema.object([
        "formatVersion": .anything, "id": .anything, "title": .anything, "description": .anything,
        "labelLists": .anything,
        "tables": .array(.object([
            "id": .anything, "title": .anything, "description": .anything, "kind": .anything,
            "rows": .anything, "columns": .anything, "validation": cellRules,
            "overrides": .array(.object(["row": .anything, "column": .anything, "validation": cellRules])),
            "headcountTable": .anything, "statistics": .anything,
        ])),
        "rules": .array(.object(["rule": .anything, "tables": .anything])),
        "cohorts": .array(.object([
            "id": .anything, "question": .anything, "options": .anything, "assignedBy": .anything,
        ])),
        "statistics": .object(["compute": .anything, "minimumCellSize": .anything, "dominance": .object(["percent": .anything])]),
        "margins": .array(.object(["id": .anything, "title": .anything, "tables": .anything, "rows": .anything, "columns": .anything])),
        "comparisons": .array(.object([
            "id": .anything, "title": .anything, "margin": .anything, "table": .anything, "statistic": .anything,
            "compare": .anything, "with": .anything,
        ])),
        "computeParties": .array(.object([
            "id": .anything, "name": .anything, "role": .anything, "address": .anything,
            "submissionKey": .anything, "certificateFingerprint": .anything,
        ])),
        "recipients": .anything,
        "pageOrigins": .anything,
    ])

    enum Step: Equatable {
        case key(String)
        case index(Int)
    }

    func check(_ value: Any, path: [Step], root: Any, problems: inout [StudyDefinitionProblem]) {
        switch self {
        case .anything: return
        case .array(let element):
            guard let array = value as? [Any] else { return }  // the decoder reports the wrong kind
            for (index, item) in array.enumerated() {
                element.check(item, path: path + [.index(index)], root: root, problems: &problems)
            }
        case .object(let fields):
            guard let object = value as? [String: Any] else { return }
            for key in object.keys.sorted() {
                if let schema = fields[key] {
                    schema.check(object[key]!, path: path + [.key(key)], root: root, problems: &problems)
                } else {
                    let suggestion = Self.closest(to: key, among: fields.keys.sorted()).map { " (did you mean \"\($0)\"?)" } ?? ""
                    problems.append(StudyDefinitionProblem(
                        place: Self.place(path, root: root), message: "unknown field \"\(key)\"\(suggestion)"))
                }
            }
        }
    }

    /// The known name nearest to a misspelt one, if it is near.
    static func closest(to key: String, among names: [String]) -> String? {
        func distance(_ a: String, _ b: String) -> Int {
            let a = Array(a.lowercased()), b = Array(b.lowercased())
            var previous = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var current = [i] + Array(repeating: 0, count: b.count)
                for j in 1..<(b.count + 1) {
                    current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                }
                previous = current
            }
            return a.isEmpty ? b.count : previous[b.count]
        }
        let best = names.map { ($0, distance(key, $0)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, key.count / 3) else { return nil }
        return best.0
    }

    /// `table "salaries", field "kind"` for the path `tables[1].kind`.
    static func place(_ path: [Step], root: Any) -> String {
        var parts: [String] = []
        var node: Any? = root
        var index = 0
        while index < path.count {
            let step = path[index]
            let next: Any? = {
                switch step {
                case .key(let key): return (node as? [String: Any])?[key]
                case .index(let i): return (node as? [Any]).flatMap { i < $0.count ? $0[i] : nil }
                }
            }()
            if case .key(let key) = step, index + 1 < path.count, case .index(let i) = path[index + 1] {
                let item = (next as? [Any]).flatMap { i < $0.count ? $0[i] : nil }
                let singular: [String: String] = [
                    "tables": "table", "rules": "rule", "cohorts": "cohort", "computeParties": "compute party",
                    "overrides": "override", "recipients": "recipient", "compute": "statistic", "options": "option",
                    "margins": "margin", "comparisons": "comparison",
                ]
                let noun = singular[key] ?? "\(key) entry"
                if let id = (item as? [String: Any])?["id"] as? String, !id.isEmpty {
                    parts.append("\(noun) \"\(id)\"")
                } else {
                    parts.append("\(noun) \(i + 1)")
                }
                node = item
                index += 2
                continue
            }
            switch step {
            case .key(let key): parts.append("field \"\(key)\"")
            case .index(let i): parts.append("item \(i + 1)")
            }
            node = next
            index += 1
        }
        return parts.joined(separator: ", ")
    }

    static func steps(_ codingPath: [any CodingKey]) -> [Step] {
        codingPath.map { key in key.intValue.map { .index($0) } ?? .key(key.stringValue) }
    }

    static func value(at path: [Step], root: Any) -> Any? {
        var node: Any? = root
        for step in path {
            switch step {
            case .key(let key): node = (node as? [String: Any])?[key]
            case .index(let i): node = (node as? [Any]).flatMap { i < $0.count ? $0[i] : nil }
            }
        }
        return node
    }

    /// The choices for fields whose value must be one of a few words.
    static func choices(for path: [Step]) -> [String]? {
        let keys = path.compactMap { if case .key(let key) = $0 { key } else { nil } }
        switch (keys.first, keys.last) {
        case ("tables", "kind"): return StudyDefinition.Kind.allCases.map(\.rawValue)
        case ("rules", "rule"): return StudyDefinition.CrossTableRule.Kind.allCases.map(\.rawValue)
        case ("cohorts", "assignedBy"): return StudyDefinition.Cohort.Source.allCases.map(\.rawValue)
        case ("computeParties", "role"): return StudyDefinition.ComputeParty.Role.allCases.map(\.rawValue)
        case (_, "compute"), ("tables", "statistics"): return StudyDefinition.Statistic.allCases.map(\.rawValue)
        default: return nil
        }
    }

    /// Fields whose value is text.
    static let textFields: Set<String> = [
        "id", "title", "description", "question", "name", "address", "submissionKey", "certificateFingerprint",
        "headcountTable", "row", "column", "kind", "role", "rule", "assignedBy",
    ]

    static func problem(for error: DecodingError, root: Any) -> StudyDefinitionProblem {
        switch error {
        case let .keyNotFound(key, context):
            return StudyDefinitionProblem(
                place: place(steps(context.codingPath), root: root), message: "missing field \"\(key.stringValue)\"")
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            let path = steps(context.codingPath)
            if path.isEmpty {
                return StudyDefinitionProblem(place: "", message: "should hold one JSON object: { \"id\": ..., \"title\": ..., \"tables\": [...], ... }")
            }
            let found = value(at: path, root: root)
            if let choices = choices(for: path), let word = found as? String {
                return StudyDefinitionProblem(
                    place: place(path, root: root),
                    message: "\"\(word)\" is not one of " + choices.map { "\"\($0)\"" }.joined(separator: ", "))
            }
            let expected: String = {
                switch path.last {
                case .key("rows"), .key("columns"):
                    return "a list of labels, the name of a label list, or {\"combine\": [[...], [...]]}"
                case .key("minimum"), .key("maximum"): return "a number"
                case .key("decimalPlaces"), .key("minimumCellSize"), .key("formatVersion"): return "a whole number"
                case .key("required"): return "true or false"
                case .key("statistics") where path.count == 1:
                    return "an object such as {\"compute\": [\"sum\", \"mean\"]}"
                case .key("tables"), .key("options"), .key("compute"), .key("recipients"), .key("statistics"),
                    .key("rules"), .key("cohorts"), .key("computeParties"), .key("overrides"), .key("pageOrigins"):
                    return "a list"
                case .key(let key) where Self.textFields.contains(key): return "text in double quotes"
                default: return "a different kind of value"
                }
            }()
            return StudyDefinitionProblem(place: place(path, root: root), message: "should be \(expected)")
        @unknown default:
            return StudyDefinitionProblem(place: "", message: "cannot be read")
        }
    }
}
