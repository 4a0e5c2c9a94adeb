import Crypto
import Foundation
import SwiftASN1
import X509

/// A compute party's long-term identity: a P-256 key pair and a self-signed certificate that the
/// other parties pin.
public struct PartyIdentity: Sendable {
    /// The certificate, PEM-encoded.
    public let certificatePEM: String
    /// The private key, PEM-encoded (PKCS#8). Never printed.
    public let privateKeyPEM: String

    /// Generates a fresh key pair and a self-signed certificate naming `name` (for example
    /// "Cairn party 1 (Boston University)"), valid for `validity` from now.
    public static func generate(name: String, validity: Duration = .seconds(5 * 365 * 24 * 3600)) throws -> PartyIdentity {
        let key = P256.Signing.PrivateKey()
        let certificateKey = Certificate.PrivateKey(key)
        let subject = try DistinguishedName { CommonName(name) }
        let now = Date()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: certificateKey.publicKey,
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(TimeInterval(validity.components.seconds)),
            issuer: subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
            },
            issuerPrivateKey: certificateKey)
        return PartyIdentity(
            certificatePEM: try certificate.serializeAsPEM().pemString,
            privateKeyPEM: key.pemRepresentation)
    }

    /// The SHA-256 fingerprint of a PEM certificate's DER encoding, as colon-separated hex pairs:
    /// what operators read to each other to confirm they pinned the right certificate.
    public static func fingerprint(ofCertificatePEM pem: String) throws -> String {
        let document = try PEMDocument(pemString: pem)
        guard document.discriminator == "CERTIFICATE" else {
            throw IdentityError.notACertificate(found: document.discriminator)
        }
        return SHA256.hash(data: document.derBytes).map { String(format: "%02X", $0) }.joined(separator: ":")
    }

    /// The common name in a PEM certificate's subject.
    public static func name(ofCertificatePEM pem: String) throws -> String {
        let certificate = try Certificate(pemEncoded: pem)
        return certificate.subject.description
    }
}

/// Errors reading identities.
public enum IdentityError: Error, Equatable, CustomStringConvertible {
    case notACertificate(found: String)

    public var description: String {
        switch self {
        case let .notACertificate(found): "expected a PEM certificate (BEGIN CERTIFICATE) but found BEGIN \(found)"
        }
    }
}
