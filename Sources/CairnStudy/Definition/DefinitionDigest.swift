import Crypto
import Foundation

/// The SHA-256 of a study definition's exact bytes, as the analyst published them.
///
/// Participation links carry it (`docs/API.md`), the compute parties compare theirs at the start of
/// the computation, and every reader checks the bytes it fetched against it before trusting them:
/// a service that serves other keys or other rules than the analyst's is caught by whoever holds
/// the digest. Shown as 64 lowercase hexadecimal digits.
public struct DefinitionDigest: Sendable, Hashable, CustomStringConvertible {
    /// The 32 bytes of the SHA-256.
    public let bytes: [UInt8]

    /// The digest of `definition`, byte for byte (a byte order mark or a trailing newline counts).
    public init(of definition: some DataProtocol) {
        bytes = Array(SHA256.hash(data: definition))
    }

    /// Reads 64 hexadecimal digits; `nil` otherwise.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 64, let bytes = SubmissionWire.bytes(hex: String(hex)) else { return nil }
        self.bytes = bytes
    }

    /// 64 lowercase hexadecimal digits.
    public var hex: String { SubmissionWire.hex(bytes) }

    /// The first 16 digits, enough to tell two definitions apart in a message.
    public var short: String { String(hex.prefix(16)) }

    public var description: String { hex }

    /// The digest as four big-endian words, as the compute parties exchange it.
    public var words: [UInt64] {
        (0..<4).map { word in bytes[8 * word..<8 * word + 8].reduce(0) { $0 << 8 | UInt64($1) } }
    }

    /// The digest whose ``words`` are `words`; `nil` unless there are four.
    public init?(words: [UInt64]) {
        guard words.count == 4 else { return nil }
        bytes = words.flatMap { word in (0..<8).reversed().map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    }
}
