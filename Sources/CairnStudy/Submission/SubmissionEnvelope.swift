import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a contributor sends to the study service for one submission: the study, the submission
/// number, and for every compute party the HPKE encapsulated key and ciphertext of its share.
///
/// The participant is not named in the envelope: the service knows who sent it (by the participation
/// code) and passes the ``ParticipantTag`` to the parties alongside. The JSON form and every byte
/// inside it are pinned in `docs/FORMATS.md`.
public struct SubmissionEnvelope: Sendable, Hashable {
    /// The format version this code writes and reads.
    public static let formatVersion = 1

    /// RFC 9180 base mode with DHKEM(P-256, HKDF-SHA256), HKDF-SHA256 and AES-128-GCM
    /// (suite identifiers 0x0010, 0x0001, 0x0001).
    public static let ciphersuite = HPKE.Ciphersuite(kem: .P256_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_128)

    /// One party's encrypted share.
    public struct EncryptedShare: Sendable, Hashable {
        /// The party, 0-based (people count from 1: party `0` is "party 1").
        public var party: Int
        /// HPKE `enc`: the sender's ephemeral P-256 public key, 65 bytes uncompressed.
        public var enc: [UInt8]
        /// AES-128-GCM ciphertext of the share plaintext, with its 16-byte tag appended.
        public var ciphertext: [UInt8]

        public init(party: Int, enc: [UInt8], ciphertext: [UInt8]) {
            self.party = party
            self.enc = enc
            self.ciphertext = ciphertext
        }
    }

    public var version: Int
    public var studyID: String
    public var submission: UInt32
    /// One entry per party, in party order.
    public var shares: [EncryptedShare]

    public init(version: Int = formatVersion, studyID: String, submission: UInt32, shares: [EncryptedShare]) {
        self.version = version
        self.studyID = studyID
        self.submission = submission
        self.shares = shares
    }
}

// MARK: - Sealing

extension SubmissionEnvelope {
    /// Splits `values` into additive shares (fresh seeds), and encrypts share `i` to `partyKeys[i]`
    /// with HPKE, each bound to `reference` and to its party.
    public static func seal(
        _ values: [UInt64], for reference: SubmissionReference, to partyKeys: [SubmissionPublicKey]
    ) throws(SubmissionError) -> SubmissionEnvelope {
        try validate(reference: reference, partyCount: partyKeys.count)
        guard values.count <= SubmissionShares.maximumCount else {
            throw .invalidArgument(
                "a submission carries at most \(SubmissionShares.maximumCount) values, not \(values.count)")
        }
        return try seal(shares: SubmissionShares.split(values, parties: partyKeys.count), for: reference, to: partyKeys)
    }

    /// Encrypts already-split shares (share `i` to party `i`).
    static func seal(
        shares: [ShareBody], for reference: SubmissionReference, to partyKeys: [SubmissionPublicKey]
    ) throws(SubmissionError) -> SubmissionEnvelope {
        try validate(reference: reference, partyCount: partyKeys.count)
        precondition(shares.count == partyKeys.count)
        var encrypted: [EncryptedShare] = []
        for (party, key) in partyKeys.enumerated() {
            let context = Data(reference.context(party: party, partyCount: partyKeys.count))
            do {
                var sender = try HPKE.Sender(recipientKey: key.key, ciphersuite: ciphersuite, info: context)
                let ciphertext = try sender.seal(shares[party].plaintext, authenticating: context)
                encrypted.append(EncryptedShare(party: party, enc: Array(sender.encapsulatedKey), ciphertext: Array(ciphertext)))
            } catch {
                throw .encryptionFailed(party: party, reason: "swift-crypto's HPKE reported \(error)")
            }
        }
        return SubmissionEnvelope(studyID: reference.studyID, submission: reference.submission, shares: encrypted)
    }

    static func validate(reference: SubmissionReference, partyCount: Int) throws(SubmissionError) {
        guard SubmissionShares.supportedPartyCounts.contains(partyCount) else {
            throw .invalidArgument("a submission is shared among 2 or 3 compute parties, not \(partyCount)")
        }
        let studyBytes = reference.studyID.utf8.count
        guard (1...SubmissionReference.maximumStudyIDByteCount).contains(studyBytes) else {
            throw .invalidArgument(
                "a study ID is 1 to \(SubmissionReference.maximumStudyIDByteCount) bytes of UTF-8, not \(studyBytes)")
        }
    }
}

// MARK: - Opening

extension SubmissionEnvelope {
    /// Decrypts the share meant for `party` (0-based) of `partyCount`, checking that the envelope is
    /// the submission `reference` names.
    ///
    /// - Parameters:
    ///   - reference: the study, participant and submission number the service delivered this
    ///     envelope for; the ciphertext only decrypts if it was made for exactly these.
    ///   - expectedCount: the number of values the study expects, if the caller wants it checked.
    ///   - key: the party's submission private key.
    public func openShare(
        party: Int, partyCount: Int, for reference: SubmissionReference, expectedCount: Int? = nil,
        using key: SubmissionPrivateKey
    ) throws(SubmissionError) -> ShareBody {
        try Self.validate(reference: reference, partyCount: partyCount)
        guard (0..<partyCount).contains(party) else {
            throw .invalidArgument("party index \(party) is outside 0..<\(partyCount)")
        }
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }
        guard studyID == reference.studyID else {
            throw .envelopeMismatch(reference, "it names study \"\(studyID)\"")
        }
        guard submission == reference.submission else {
            throw .envelopeMismatch(reference, "it names submission \(submission)")
        }
        guard shares.count == partyCount else {
            throw .wrongParties(reference, "the envelope holds \(shares.count) shares for a study with \(partyCount) parties")
        }
        for (index, share) in shares.enumerated() where share.party != index {
            throw .wrongParties(reference, "the envelope's share number \(index + 1) is labelled for party \(share.party + 1)")
        }
        return try shares[party].open(partyCount: partyCount, for: reference, expectedCount: expectedCount, using: key)
    }
}

extension SubmissionEnvelope.EncryptedShare {
    /// Decrypts this share, meant for party ``party`` of `partyCount`, as the submission
    /// `reference` names. What a compute party does with the shares the service delivers
    /// (``PartyShareRecord``), which carry one party's share rather than the whole envelope.
    public func open(
        partyCount: Int, for reference: SubmissionReference, expectedCount: Int? = nil, using key: SubmissionPrivateKey
    ) throws(SubmissionError) -> ShareBody {
        try SubmissionEnvelope.validate(reference: reference, partyCount: partyCount)
        guard (0..<partyCount).contains(party) else {
            throw .invalidArgument("party index \(party) is outside 0..<\(partyCount)")
        }
        guard enc.count == 65, enc[0] == 0x04,
            (try? P256.KeyAgreement.PublicKey(x963Representation: enc)) != nil
        else {
            throw .malformedEncapsulatedKey(reference, party: party)
        }

        let context = Data(reference.context(party: party, partyCount: partyCount))
        let plaintext: Data
        do {
            var recipient = try HPKE.Recipient(
                privateKey: key.key, ciphersuite: SubmissionEnvelope.ciphersuite, info: context, encapsulatedKey: Data(enc))
            plaintext = try recipient.open(ciphertext, authenticating: context)
        } catch {
            throw .doesNotDecrypt(reference, party: party)
        }

        let body: ShareBody
        do {
            body = try ShareBody(plaintext: plaintext)
        } catch {
            throw .malformedShare(reference, party: party, reason: error.description)
        }
        switch (body, party == partyCount - 1) {
        case (.seed, true):
            throw .malformedShare(reference, party: party, reason: "the last party's share must be the full vector, not a seed")
        case (.full, false):
            throw .malformedShare(reference, party: party, reason: "only the last party's share is a full vector; this party's must be a seed")
        default:
            break
        }
        if let expectedCount, body.count != expectedCount {
            throw .unexpectedCount(reference, party: party, count: body.count, expected: expectedCount)
        }
        return body
    }
}

// MARK: - JSON

extension SubmissionEnvelope {
    /// The canonical JSON form: keys sorted, no white space, base64 with the standard alphabet and
    /// padding, slashes not escaped.
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(self)
    }

    /// Reads an envelope from JSON (any key order and white space).
    public init(json: Data) throws(SubmissionError) {
        do {
            self = try JSONDecoder().decode(SubmissionEnvelope.self, from: json)
        } catch let error as DecodingError {
            throw .malformedEnvelope(Self.explain(error))
        } catch {
            throw .malformedEnvelope("it could not be read as JSON")
        }
    }

    private static func explain(_ error: DecodingError) -> String {
        func field(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
            return "the field \"\(text)\""
        }
        switch error {
        case let .keyNotFound(key, context):
            return "\(field(context.codingPath + [key])) is missing"
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            if context.codingPath.isEmpty { return "it is not a JSON object" }
            return "\(field(context.codingPath)) has the wrong type"
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty { return "it is not JSON of the expected shape (\(context.debugDescription))" }
            return "\(field(context.codingPath)) \(context.debugDescription)"
        @unknown default:
            return "it could not be read"
        }
    }
}

extension SubmissionEnvelope: Codable {
    private enum CodingKeys: String, CodingKey {
        case version, study, submission, shares
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        studyID = try container.decode(String.self, forKey: .study)
        let number = try container.decode(Int64.self, forKey: .submission)
        guard let submission = UInt32(exactly: number) else {
            throw DecodingError.dataCorruptedError(
                forKey: .submission, in: container, debugDescription: "is not a whole number from 0 to \(UInt32.max)")
        }
        self.submission = submission
        shares = try container.decode([EncryptedShare].self, forKey: .shares)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(studyID, forKey: .study)
        try container.encode(submission, forKey: .submission)
        try container.encode(shares, forKey: .shares)
    }
}

extension SubmissionEnvelope.EncryptedShare: Codable {
    private enum CodingKeys: String, CodingKey {
        case party, enc, ciphertext
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        party = try container.decode(Int.self, forKey: .party)
        enc = try Self.decodeBase64(container, .enc)
        ciphertext = try Self.decodeBase64(container, .ciphertext)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(party, forKey: .party)
        try container.encode(Data(enc).base64EncodedString(), forKey: .enc)
        try container.encode(Data(ciphertext).base64EncodedString(), forKey: .ciphertext)
    }

    private static func decodeBase64(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> [UInt8] {
        let text = try container.decode(String.self, forKey: key)
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "is not base64 text")
        }
        return Array(data)
    }
}
