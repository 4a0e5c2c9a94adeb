#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A contributor's participation code: 18 random bytes (144 bits) in base64url, 24 characters.
///
/// Codes are made on the analyst's side (`cairn links`, or the analyst's page with the same
/// rules in WebCrypto): the study service receives only their ``ParticipantTag``s, so it cannot
/// mint contributors of its own, and the analyst keeps the list of tags it issued
/// (``IssuedParticipants``) for the compute parties to accept only those.
public enum ParticipationCode {
    /// Characters in a code.
    public static let length = 24
    static let randomByteCount = 18

    /// A fresh code from the system's cryptographically secure generator
    /// (`SystemRandomNumberGenerator`: `getrandom` on Linux, `arc4random_buf` on Apple systems).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        while bytes.count < randomByteCount {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes += $0 }
        }
        return Data(bytes.prefix(randomByteCount)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    /// Whether `text` has a code's shape: 24 base64url characters.
    public static func isWellFormed(_ text: some StringProtocol) -> Bool {
        text.utf8.count == length
            && text.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F }
    }
}

/// The participant tags the analyst issued for a study: the text file `cairn links` appends to
/// and the analyst's page offers as a download, one tag a line (64 lowercase hexadecimal
/// digits); blank lines and lines starting with `#` are ignored.
///
/// The analyst's compute party reads it: at close, only submissions whose tag is in it count.
public struct IssuedParticipants: Sendable, Equatable {
    public var tags: Set<ParticipantTag>

    public init(tags: Set<ParticipantTag>) { self.tags = tags }

    /// Reads the file's text; throws a plain message naming the first line that is not a tag.
    public init(text: String, name: String) throws {
        var tags = Set<ParticipantTag>()
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let tag = ParticipantTag(hex: trimmed.lowercased()) else {
                throw StudyProblems(
                    subject: name,
                    problems: [StudyDefinitionProblem(
                        place: "line \(number + 1)", message: "is not a participant tag (64 hexadecimal digits)")])
            }
            tags.insert(tag)
        }
        self.tags = tags
    }

    /// The lines for `tags`, in order.
    public static func lines(_ tags: [ParticipantTag]) -> String {
        tags.map { $0.hex + "\n" }.joined()
    }
}
