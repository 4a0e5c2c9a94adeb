import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A participant as the compute parties know them: a SHA-256 hash of the study ID and the
/// participation code, so that the parties can bind ciphertexts to a participant without ever
/// seeing the code.
///
/// ```
/// tag = SHA-256( lp("cairn/participant/v1") ‖ lp(UTF-8 study ID) ‖ lp(UTF-8 participation code) )
/// lp(b) = u32 big-endian byte count of b ‖ b
/// ```
///
/// The tag hides the code only as well as the code resists guessing: participation codes should
/// carry at least 128 bits of randomness.
public struct ParticipantTag: Sendable, Hashable, CustomStringConvertible {
    /// The 32 bytes of the tag.
    public let bytes: [UInt8]

    static let label = Array("cairn/participant/v1".utf8)

    /// The tag of the participant holding `participationCode` in study `studyID`.
    public init(studyID: String, participationCode: String) {
        var input: [UInt8] = []
        input += SubmissionWire.lengthPrefixed(Self.label)
        input += SubmissionWire.lengthPrefixed(Array(studyID.utf8))
        input += SubmissionWire.lengthPrefixed(Array(participationCode.utf8))
        bytes = Array(SHA256.hash(data: input))
    }

    /// A tag received as its 32 bytes (for example from the study service); `nil` if not 32 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// A tag written as 64 hexadecimal digits; `nil` otherwise.
    public init?(hex: String) {
        guard let bytes = SubmissionWire.bytes(hex: hex) else { return nil }
        self.init(bytes: bytes)
    }

    /// The tag as 64 lowercase hexadecimal digits.
    public var hex: String { SubmissionWire.hex(bytes) }

    /// The first 8 hexadecimal digits: enough to tell participants apart in a message.
    public var description: String { String(hex.prefix(8)) }
}

/// Which submission a ciphertext belongs to: the study, the participant and the participant's
/// submission number. Everything here is bound into every ciphertext of the submission.
public struct SubmissionReference: Sendable, Hashable, CustomStringConvertible {
    public let studyID: String
    public let participant: ParticipantTag
    public let submission: UInt32

    public init(studyID: String, participant: ParticipantTag, submission: UInt32) {
        self.studyID = studyID
        self.participant = participant
        self.submission = submission
    }

    /// The longest study ID, in UTF-8 bytes, that a submission may name.
    public static let maximumStudyIDByteCount = 255

    static let contextLabel = Array("cairn/submission/v1".utf8)

    /// The bytes used both as HPKE `info` and as the AEAD associated data for the ciphertext
    /// meant for party `party` (0-based) of `partyCount`:
    ///
    /// ```
    /// lp("cairn/submission/v1") ‖ lp(UTF-8 study ID) ‖ participant tag (32 bytes)
    ///   ‖ u32 submission number ‖ u8 party count ‖ u8 party index (0-based)
    /// ```
    ///
    /// with `lp(b) = u32 big-endian byte count ‖ b` and every integer big-endian.
    public func context(party: Int, partyCount: Int) -> [UInt8] {
        precondition(SubmissionShares.supportedPartyCounts.contains(partyCount))
        precondition((0..<partyCount).contains(party))
        var bytes: [UInt8] = []
        bytes += SubmissionWire.lengthPrefixed(Self.contextLabel)
        bytes += SubmissionWire.lengthPrefixed(Array(studyID.utf8))
        bytes.append(contentsOf: participant.bytes)
        bytes += SubmissionWire.bigEndian(submission)
        bytes.append(UInt8(partyCount))
        bytes.append(UInt8(party))
        return bytes
    }

    public var description: String {
        "submission \(submission) of participant \(participant) in study \"\(studyID)\""
    }
}
