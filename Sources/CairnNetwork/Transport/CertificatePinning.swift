import CairnMPC
import Crypto
import NIOCore
import NIOSSL
import Synchronization
import SwiftASN1

/// The certificates pinned for the two peers and this party's own credentials, as TLS wants them.
///
/// Pinning replaces chain validation: a peer is accepted only if the leaf certificate it presents
/// is byte for byte (DER) the one configured for it, and TLS 1.3 makes it prove it holds that
/// certificate's private key. Validity dates and extensions are not checked: the operators chose
/// the exact certificate. A different certificate is refused even if it names the same subject
/// or is signed by the same key.
struct CertificatePins: Sendable {
    /// The DER encoding of each peer's pinned certificate.
    let der: [PartyIndex: [UInt8]]
    /// This party's certificate chain and key, for TLS.
    let certificate: NIOSSLCertificate
    let privateKey: NIOSSLPrivateKey
    /// The fingerprint of this party's certificate, for messages.
    let ownFingerprint: String

    init(_ configuration: NetworkConfiguration) throws {
        var der: [PartyIndex: [UInt8]] = [:]
        for peer in configuration.peers {
            guard let document = try? PEMDocument(pemString: peer.certificatePEM), document.discriminator == "CERTIFICATE" else {
                throw MPCError.invalidArgument("the certificate pinned for \(peer.party) is not a PEM certificate")
            }
            der[peer.party] = document.derBytes
        }
        self.der = der
        guard let own = try? PEMDocument(pemString: configuration.certificatePEM), own.discriminator == "CERTIFICATE",
            let certificate = try? NIOSSLCertificate(bytes: own.derBytes, format: .der)
        else {
            throw MPCError.invalidArgument("this party's certificate is not a PEM certificate")
        }
        self.certificate = certificate
        self.ownFingerprint = Self.fingerprint(ofDER: own.derBytes)
        // The key's parse error is not passed on: it is about secret material.
        guard let privateKey = try? NIOSSLPrivateKey(bytes: Array(configuration.privateKeyPEM.utf8), format: .pem) else {
            throw MPCError.invalidArgument("this party's private key could not be read (expected a PEM private key)")
        }
        self.privateKey = privateKey
    }

    /// SHA-256 of a DER certificate as colon-separated hex pairs, as ``PartyIdentity/fingerprint(ofCertificatePEM:)``.
    static func fingerprint(ofDER der: [UInt8]) -> String {
        SHA256.hash(data: der).map { byte in
            let digits = Array("0123456789ABCDEF")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined(separator: ":")
    }

    /// TLS 1.3 with this party's certificate and key, requiring the peer's certificate, trusting
    /// only the pinned certificates (the custom verification callback then checks the exact bytes).
    func tlsConfiguration(server: Bool) -> TLSConfiguration {
        var configuration =
            server
            ? TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(privateKey))
            : TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = [.certificate(certificate)]
        configuration.privateKey = .privateKey(privateKey)
        configuration.minimumTLSVersion = .tlsv13
        configuration.certificateVerification = .noHostnameVerification
        configuration.trustRoots = .certificates(der.values.compactMap { try? NIOSSLCertificate(bytes: $0, format: .der) })
        // Closing waits this long for the peer's close_notify; a peer that does not answer sees
        // the connection end all the same.
        configuration.shutdownTimeout = .seconds(1)
        return configuration
    }

    /// A verification callback accepting exactly the certificate pinned for `peer`, for a
    /// connection this party dials. Records a mismatch in `verification`.
    func verifier(dialing peer: PartyIndex, into verification: PeerVerification) -> NIOSSLCustomVerificationCallback {
        let pinned = der[peer]
        return { certificates, promise in
            guard let leaf = certificates.first, let presented = try? leaf.toDERBytes() else {
                verification.reject("presented no certificate")
                promise.succeed(.failed)
                return
            }
            guard presented == pinned else {
                verification.reject(
                    "presented a certificate that is not the one pinned for it (fingerprint \(Self.fingerprint(ofDER: presented)))")
                promise.succeed(.failed)
                return
            }
            verification.accept(peer)
            promise.succeed(.certificateVerified)
        }
    }

    /// A verification callback for a connection accepted by `local`: accepts the certificate
    /// pinned for one of the parties that dial `local` (those with a higher index) and records
    /// which one it is; refuses any other certificate, recording why.
    func verifier(listeningAs local: PartyIndex, into verification: PeerVerification) -> NIOSSLCustomVerificationCallback {
        let der = self.der
        return { certificates, promise in
            guard let leaf = certificates.first, let presented = try? leaf.toDERBytes() else {
                verification.reject("a connection was refused because it presented no certificate")
                promise.succeed(.failed)
                return
            }
            guard let party = der.first(where: { $0.value == presented })?.key else {
                verification.reject(
                    "a connection was refused because it presented a certificate that is not the one pinned for any peer "
                        + "(fingerprint \(Self.fingerprint(ofDER: presented)))")
                promise.succeed(.failed)
                return
            }
            guard party > local else {
                verification.reject(
                    "a connection from \(party) was refused: the party with the higher index connects to the one with the "
                        + "lower index, so \(party) should not connect to \(local)")
                promise.succeed(.failed)
                return
            }
            verification.accept(party)
            promise.succeed(.certificateVerified)
        }
    }
}

/// What a connection's certificate check found: the peer it identified, or why it refused the
/// certificate. Written by the verification callback, read by the connection's handler.
final class PeerVerification: Sendable {
    private let state = Mutex<(party: PartyIndex?, rejection: String?)>((nil, nil))

    func accept(_ party: PartyIndex) { state.withLock { $0.party = party } }
    func reject(_ reason: String) { state.withLock { $0.rejection = reason } }

    var party: PartyIndex? { state.withLock { $0.party } }
    var rejection: String? { state.withLock { $0.rejection } }
}
