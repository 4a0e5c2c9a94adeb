import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A compute party's public key for submissions: a P-256 key-agreement key, published as the
/// base64 (standard alphabet, padded) of its 65-byte uncompressed X9.63 form `04 ‖ X ‖ Y`.
public struct SubmissionPublicKey: Sendable, Hashable {
    /// The swift-crypto key.
    public let key: P256.KeyAgreement.PublicKey

    public init(_ key: P256.KeyAgreement.PublicKey) { self.key = key }

    /// Reads a key published with ``base64``. Surrounding white space is ignored.
    public init(base64 text: String) throws(SubmissionKeyError) {
        let trimmed = SubmissionWire.trimmed(text)
        guard !trimmed.isEmpty else { throw .emptyPublicKey }
        guard let data = Data(base64Encoded: trimmed) else { throw .publicKeyNotBase64 }
        try self.init(x963: Array(data))
    }

    /// Reads a key from its 65-byte uncompressed X9.63 form.
    public init(x963 bytes: [UInt8]) throws(SubmissionKeyError) {
        guard bytes.count == 65, bytes[0] == 0x04 else { throw .publicKeyWrongLength(bytes.count) }
        do {
            key = try P256.KeyAgreement.PublicKey(x963Representation: bytes)
        } catch {
            throw .publicKeyNotOnCurve
        }
    }

    /// The 65-byte uncompressed X9.63 form, which is also HPKE's `SerializePublicKey`.
    public var x963: [UInt8] { Array(key.x963Representation) }

    /// The published form: base64 of ``x963``.
    public var base64: String { key.x963Representation.base64EncodedString() }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.x963 == rhs.x963 }
    public func hash(into hasher: inout Hasher) { hasher.combine(x963) }
}

/// A compute party's private key for submissions: a P-256 key-agreement key, stored as PEM.
public struct SubmissionPrivateKey: Sendable {
    /// The swift-crypto key.
    public let key: P256.KeyAgreement.PrivateKey

    public init(_ key: P256.KeyAgreement.PrivateKey) { self.key = key }

    /// A fresh key from the system's cryptographically secure generator.
    public static func generate() -> SubmissionPrivateKey {
        SubmissionPrivateKey(P256.KeyAgreement.PrivateKey())
    }

    /// Reads a PEM block: PKCS #8 (`BEGIN PRIVATE KEY`) or SEC 1 (`BEGIN EC PRIVATE KEY`).
    public init(pem text: String) throws(SubmissionKeyError) {
        let trimmed = SubmissionWire.trimmed(text)
        guard !trimmed.isEmpty else { throw .emptyPrivateKey }
        guard trimmed.hasPrefix("-----BEGIN ") else { throw .privateKeyNotPEM }
        guard !trimmed.hasPrefix("-----BEGIN PUBLIC KEY-----") else { throw .privateKeyIsPublic }
        do {
            key = try P256.KeyAgreement.PrivateKey(pemRepresentation: trimmed)
        } catch {
            throw .privateKeyNotP256
        }
    }

    /// The key as a PKCS #8 PEM block (`-----BEGIN PRIVATE KEY-----`).
    public var pem: String { key.pemRepresentation }

    /// The matching public key.
    public var publicKey: SubmissionPublicKey { SubmissionPublicKey(key.publicKey) }
}

/// Why a submission key could not be read, in plain words. Never contains key material.
public enum SubmissionKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyPublicKey
    case publicKeyNotBase64
    case publicKeyWrongLength(Int)
    case publicKeyNotOnCurve
    case emptyPrivateKey
    case privateKeyNotPEM
    case privateKeyIsPublic
    case privateKeyNotP256

    public var description: String {
        switch self {
        case .emptyPublicKey:
            "the party's submission public key is empty"
        case .publicKeyNotBase64:
            "the party's submission public key is not base64 text"
        case let .publicKeyWrongLength(count):
            "the party's submission public key is \(count) bytes; a P-256 public key in uncompressed "
                + "X9.63 form is 65 bytes starting with 04"
        case .publicKeyNotOnCurve:
            "the party's submission public key is not a point on the P-256 curve"
        case .emptyPrivateKey:
            "the submission private key file is empty"
        case .privateKeyNotPEM:
            "the submission private key is not PEM text (a block starting with -----BEGIN PRIVATE KEY-----)"
        case .privateKeyIsPublic:
            "the submission private key file holds a public key, not a private key"
        case .privateKeyNotP256:
            "the submission private key is PEM but does not hold a P-256 private key"
        }
    }
}
