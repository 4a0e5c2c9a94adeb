import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// What passes between the study service and the compute parties, pinned in docs/API.md:
// the service's stored form of an envelope, the records of one party's shares it delivers, and
// the party session token it seals to a party's submission key.

// MARK: - Sizes

extension SubmissionEnvelope {
    /// The ciphertext length of party `party`'s share (0-based, of `partyCount`) of a submission of
    /// `valueCount` values: a seed for every party but the last, the full vector for the last,
    /// plus the 16-byte AEAD tag. The service checks envelopes against it before storing them.
    public static func ciphertextByteCount(party: Int, partyCount: Int, valueCount: Int) -> Int {
        let plaintext =
            party == partyCount - 1
            ? ShareBody.headerByteCount + 8 * valueCount
            : ShareBody.headerByteCount + SubmissionShares.seedByteCount
        return plaintext + 16
    }

    /// Checks what can be checked without a private key: the format version, the study, the number
    /// and order of shares, the encapsulated keys' shape and every ciphertext's length. Throws a
    /// message for the contributor, naming no secret.
    public func checkShape(studyID expectedStudy: String, partyCount: Int, valueCount: Int) throws(SubmissionError) {
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }
        guard studyID == expectedStudy else {
            throw .malformedEnvelope("it names study \"\(studyID)\", but was sent to study \"\(expectedStudy)\"")
        }
        guard shares.count == partyCount else {
            throw .malformedEnvelope("it holds \(shares.count) shares; this study has \(partyCount) compute parties")
        }
        for (index, share) in shares.enumerated() {
            guard share.party == index else {
                throw .malformedEnvelope("share number \(index + 1) is labelled for party \(share.party + 1)")
            }
            guard share.enc.count == 65, share.enc[0] == 0x04 else {
                throw .malformedEnvelope("the encapsulated key for party \(index + 1) is not 65 bytes starting with 04")
            }
            let expected = Self.ciphertextByteCount(party: index, partyCount: partyCount, valueCount: valueCount)
            guard share.ciphertext.count == expected else {
                throw .malformedEnvelope(
                    "the ciphertext for party \(index + 1) is \(share.ciphertext.count) bytes; a submission of this "
                        + "study's \(valueCount) values makes it \(expected) bytes")
            }
        }
    }
}

// MARK: - Stored form

extension SubmissionEnvelope {
    /// The compact binary form the service stores: the JSON envelope without base64 or keys, so
    /// that handing one party its share is a slice, not a parse.
    ///
    /// ```
    /// u8 version ‖ u32 submission ‖ lp(UTF-8 study ID) ‖ u8 share count
    ///   ‖ for each share, in party order: enc (65 bytes) ‖ lp(ciphertext)
    /// ```
    public var storedForm: [UInt8] {
        var bytes: [UInt8] = [UInt8(truncatingIfNeeded: version)]
        bytes += SubmissionWire.bigEndian(submission)
        bytes += SubmissionWire.lengthPrefixed(Array(studyID.utf8))
        bytes.append(UInt8(truncatingIfNeeded: shares.count))
        for share in shares {
            bytes += share.enc
            bytes += SubmissionWire.lengthPrefixed(share.ciphertext)
        }
        return bytes
    }

    /// Reads the stored form back.
    public init(storedForm bytes: some Collection<UInt8>) throws(SubmissionError) {
        var reader = ByteReader(Array(bytes))
        guard let version = reader.u8(), let submission = reader.u32(), let study = reader.lengthPrefixed(),
            let count = reader.u8()
        else { throw .malformedEnvelope("the stored envelope is truncated") }
        var shares: [EncryptedShare] = []
        for party in 0..<Int(count) {
            guard let enc = reader.take(65), let ciphertext = reader.lengthPrefixed() else {
                throw .malformedEnvelope("the stored envelope is truncated")
            }
            shares.append(EncryptedShare(party: party, enc: enc, ciphertext: ciphertext))
        }
        guard reader.isAtEnd else { throw .malformedEnvelope("the stored envelope has trailing bytes") }
        self.init(version: Int(version), studyID: String(decoding: study, as: UTF8.self), submission: submission, shares: shares)
    }
}

// MARK: - Shares delivered to a party

/// One participant's latest share for one party, as the service delivers it, with the cohorts
/// the participant's link assigned (public to the parties: the service made the link).
///
/// Wire form, concatenated for every record of a page (`application/vnd.cairn.shares`):
///
/// ```
/// participant tag (32 bytes) ‖ u32 submission ‖ enc (65 bytes) ‖ lp(ciphertext) ‖ lp(link cohorts)
/// ```
///
/// where the link cohorts are a JSON object of strings, keys sorted (`{}` when there are none).
public struct PartyShareRecord: Sendable, Hashable {
    public var participant: ParticipantTag
    public var submission: UInt32
    /// The share, labelled with the party it is for.
    public var share: SubmissionEnvelope.EncryptedShare
    /// Cohort → option, for the cohorts the study assigns by participation link.
    public var linkCohorts: [String: String]

    public init(
        participant: ParticipantTag, submission: UInt32, share: SubmissionEnvelope.EncryptedShare,
        linkCohorts: [String: String] = [:]
    ) {
        self.participant = participant
        self.submission = submission
        self.share = share
        self.linkCohorts = linkCohorts
    }

    public static let mediaType = "application/vnd.cairn.shares"

    /// The reference the share must decrypt under.
    public func reference(studyID: String) -> SubmissionReference {
        SubmissionReference(studyID: studyID, participant: participant, submission: submission)
    }

    /// Appends this record's wire form to `bytes`.
    public func write(to bytes: inout [UInt8]) {
        bytes += participant.bytes
        bytes += SubmissionWire.bigEndian(submission)
        bytes += share.enc
        bytes += SubmissionWire.lengthPrefixed(share.ciphertext)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        bytes += SubmissionWire.lengthPrefixed(Array((try? encoder.encode(linkCohorts)) ?? Data("{}".utf8)))
    }

    /// Reads a page of records, all for party `party` (0-based).
    public static func read(_ bytes: some Collection<UInt8>, party: Int) throws(SubmissionError) -> [PartyShareRecord] {
        var reader = ByteReader(Array(bytes))
        var records: [PartyShareRecord] = []
        while !reader.isAtEnd {
            guard let tag = reader.take(32), let submission = reader.u32(), let enc = reader.take(65),
                let ciphertext = reader.lengthPrefixed(), let cohorts = reader.lengthPrefixed(),
                let participant = ParticipantTag(bytes: tag)
            else {
                throw .malformedEnvelope("the service's page of shares is truncated after \(records.count) records")
            }
            guard let linkCohorts = try? JSONDecoder().decode([String: String].self, from: Data(cohorts)) else {
                throw .malformedEnvelope("the service's record \(records.count + 1) has link cohorts that are not a JSON object of strings")
            }
            records.append(
                PartyShareRecord(
                    participant: participant, submission: submission,
                    share: .init(party: party, enc: enc, ciphertext: ciphertext), linkCohorts: linkCohorts))
        }
        return records
    }
}

// MARK: - Party session

/// How a compute party proves to the service that it holds its submission private key: the
/// service seals a fresh random token to the party's published submission key with the same HPKE
/// suite as submissions, and only the party can open it. The party then presents the token as a
/// bearer credential when it fetches its shares.
///
/// `info` = `aad` = `lp("cairn/party-session/v1") ‖ lp(UTF-8 study ID) ‖ u8 party count ‖ u8 party index (0-based)`.
public enum PartySession {
    static let label = Array("cairn/party-session/v1".utf8)
    /// Random bytes in a session token.
    public static let tokenByteCount = 32

    static func context(studyID: String, party: Int, partyCount: Int) -> Data {
        var bytes = SubmissionWire.lengthPrefixed(label)
        bytes += SubmissionWire.lengthPrefixed(Array(studyID.utf8))
        bytes.append(UInt8(truncatingIfNeeded: partyCount))
        bytes.append(UInt8(truncatingIfNeeded: party))
        return Data(bytes)
    }

    /// The service's side: a sealed `token` for `party` (0-based).
    public static func seal(
        token: [UInt8], studyID: String, party: Int, partyCount: Int, to key: SubmissionPublicKey
    ) throws(SubmissionError) -> SubmissionEnvelope.EncryptedShare {
        let context = context(studyID: studyID, party: party, partyCount: partyCount)
        do {
            var sender = try HPKE.Sender(recipientKey: key.key, ciphersuite: SubmissionEnvelope.ciphersuite, info: context)
            let ciphertext = try sender.seal(token, authenticating: context)
            return .init(party: party, enc: Array(sender.encapsulatedKey), ciphertext: Array(ciphertext))
        } catch {
            throw .encryptionFailed(party: party, reason: "swift-crypto's HPKE reported \(error)")
        }
    }

    /// The party's side: the token, or an error if the sealed token was not made for this party's key.
    public static func open(
        _ sealed: SubmissionEnvelope.EncryptedShare, studyID: String, partyCount: Int, using key: SubmissionPrivateKey
    ) throws(SubmissionError) -> [UInt8] {
        let context = context(studyID: studyID, party: sealed.party, partyCount: partyCount)
        do {
            var recipient = try HPKE.Recipient(
                privateKey: key.key, ciphersuite: SubmissionEnvelope.ciphersuite, info: context,
                encapsulatedKey: Data(sealed.enc))
            return Array(try recipient.open(sealed.ciphertext, authenticating: context))
        } catch {
            throw .invalidArgument(
                "the service's session token for party \(sealed.party + 1) does not open with this party's "
                    + "submission key: the key does not match the one in the study definition")
        }
    }
}

// MARK: - Reading bytes

struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, bytes.count - offset >= count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func u8() -> UInt8? { take(1)?.first }

    mutating func u32() -> UInt32? {
        take(4).map { $0.reduce(0) { $0 << 8 | UInt32($1) } }
    }

    mutating func lengthPrefixed() -> [UInt8]? {
        guard let count = u32() else { return nil }
        return take(Int(count))
    }
}

/// The stages a compute party reports to the study service while it computes
/// (`POST …/parties/{n}/progress`, docs/API.md), in the order it goes through them.
public enum ComputeStage: String, Codable, Sendable, CaseIterable {
    case fetching, decrypting, agreeing, computing, finished, failed
}
