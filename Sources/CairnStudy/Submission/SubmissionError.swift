/// Why a submission could not be sealed, read or decrypted.
///
/// Messages name the submission (study, participant tag prefix, submission number) and the party,
/// counted from 1 as people do; they never contain share values, seeds, plaintext or key material.
public enum SubmissionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The caller asked for something the format does not support.
    case invalidArgument(String)
    /// The envelope is not JSON of the expected shape.
    case malformedEnvelope(String)
    /// The envelope's format version is not one this code reads.
    case unsupportedVersion(Int)
    /// The envelope names another study or submission number than the one it was delivered for.
    case envelopeMismatch(SubmissionReference, String)
    /// The envelope's list of parties does not match the study's parties.
    case wrongParties(SubmissionReference, String)
    /// The encapsulated key for a party is not a P-256 public key.
    case malformedEncapsulatedKey(SubmissionReference, party: Int)
    /// HPKE refused the ciphertext: wrong key, wrong context, or altered bytes.
    case doesNotDecrypt(SubmissionReference, party: Int)
    /// The ciphertext decrypted, but the plaintext is not a share in the expected format.
    case malformedShare(SubmissionReference, party: Int, reason: String)
    /// The share holds another number of values than the study expects.
    case unexpectedCount(SubmissionReference, party: Int, count: Int, expected: Int)
    /// swift-crypto refused to encrypt (should not happen with a valid public key).
    case encryptionFailed(party: Int, reason: String)

    public var description: String {
        switch self {
        case let .invalidArgument(message):
            message
        case let .malformedEnvelope(reason):
            "the submission envelope is not valid: \(reason)"
        case let .unsupportedVersion(version):
            "the submission envelope has format version \(version); only version "
                + "\(SubmissionEnvelope.formatVersion) is understood"
        case let .envelopeMismatch(reference, reason):
            "\(reference): the envelope does not belong here: \(reason)"
        case let .wrongParties(reference, reason):
            "\(reference): \(reason)"
        case let .malformedEncapsulatedKey(reference, party):
            "\(reference): the encapsulated key for party \(party + 1) is not a P-256 public key "
                + "(65 bytes, uncompressed, on the curve): it was altered or made by a faulty client"
        case let .doesNotDecrypt(reference, party):
            "\(reference): the ciphertext for party \(party + 1) does not decrypt: it was made for "
                + "another study, participant, party or submission, or altered"
        case let .malformedShare(reference, party, reason):
            "\(reference): the share for party \(party + 1) decrypts but is not a valid share: \(reason)"
        case let .unexpectedCount(reference, party, count, expected):
            "\(reference): the share for party \(party + 1) holds \(count) values where the study "
                + "expects \(expected)"
        case let .encryptionFailed(party, reason):
            "the share for party \(party + 1) could not be encrypted: \(reason)"
        }
    }
}
