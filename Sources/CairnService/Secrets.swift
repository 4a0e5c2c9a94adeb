import Crypto
import CryptoExtras
import Foundation
import Hummingbird
import NIOPosix

/// Random secrets, their text forms and their comparison.
enum Secrets {
    /// `count` bytes from the system's cryptographically secure generator.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes += $0 }
        }
        return Array(bytes.prefix(count))
    }

    /// base64url without padding (RFC 4648 §5).
    static func base64url(_ bytes: some Sequence<UInt8>) -> String {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// The bytes of base64url text without padding, or `nil` if it is not base64url.
    static func base64urlDecoded(_ text: Substring) -> [UInt8]? {
        guard Secrets.isBase64url(text, count: text.utf8.count) else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.utf8.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map { Array($0) }
    }

    /// Whether `text` is exactly `count` characters of the base64url alphabet.
    static func isBase64url(_ text: Substring, count: Int) -> Bool {
        text.utf8.count == count
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                    true
                default:
                    false
                }
            }
    }

    /// Compares every byte whatever the first difference, so that the time taken does not say
    /// where two secrets differ (only whether their lengths do).
    static func constantTimeEqual(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }

    /// SHA-256 of `text`'s UTF-8 bytes, as a dictionary key for a secret that must not be kept itself.
    static func digest(_ text: Substring) -> [UInt8] {
        Array(SHA256.hash(data: Array(text.utf8)))
    }

    /// The secret of an `Authorization: Bearer <secret>` header, or `nil`.
    static func bearer(_ request: Request) -> Substring? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let secret = parts[1].drop { $0 == " " }
        return secret.isEmpty ? nil : secret
    }

    /// Lowercase hexadecimal digits.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

/// The analyst's credential: `cairn-analyst-` and 32 random bytes in base64url.
///
/// 256 random bits cannot be guessed, so the service keeps only their SHA-256 and compares it in
/// constant time: no slow hash is needed, and so no limit on checks that strangers could use to
/// lock the analyst out (a password would need scrypt; this is not a password).
///
/// Stored forms:
/// - version 2 (current): `u8 2 ‖ SHA-256(credential)` (33 bytes).
/// - version 1 (studies created before issue 10): `u8 1 ‖ salt (16 bytes) ‖ scrypt(credential,
///   salt, N = 16384, r = 8, p = 1) (32 bytes)`, still accepted; its checks are limited per client
///   address (``ServiceConfiguration/analystCheckRate``) because each costs a scrypt run.
enum AnalystCredential {
    static let prefix = "cairn-analyst-"
    static let randomByteCount = 32
    static let version: UInt8 = 2
    static let scryptVersion: UInt8 = 1
    static let saltByteCount = 16
    static let hashByteCount = 32

    /// A fresh credential.
    static func generate() -> String {
        prefix + Secrets.base64url(Secrets.randomBytes(randomByteCount))
    }

    /// Whether `text` has the shape of a credential (the prefix and 43 base64url characters).
    static func isWellFormed(_ text: Substring) -> Bool {
        text.hasPrefix(prefix) && Secrets.isBase64url(text.dropFirst(prefix.count), count: 43)
    }

    /// The stored form of `credential` (version 2).
    static func hash(_ credential: String) async throws -> Data {
        Data([version] + Secrets.digest(Substring(credential)))
    }

    /// Whether checking a credential against `stored` costs a scrypt run (a version 1 form).
    static func isSlow(_ stored: Data) -> Bool { stored.first == scryptVersion }

    /// Whether `credential` is the one `stored` was made from. Compares in constant time.
    static func verify(_ credential: Substring, against stored: Data) async -> Bool {
        let bytes = Array(stored)
        switch bytes.first ?? 0 {
        case version where bytes.count == 1 + hashByteCount:
            return Secrets.constantTimeEqual(Secrets.digest(credential), bytes.dropFirst())
        case scryptVersion where bytes.count == 1 + saltByteCount + hashByteCount:
            guard let derived = try? await derive(Array(credential.utf8), salt: Array(bytes[1...saltByteCount])) else {
                return false
            }
            return Secrets.constantTimeEqual(derived, bytes[(1 + saltByteCount)...])
        default:
            return false
        }
    }

    /// The version 1 stored form of `credential` with a fresh salt: only for tests of studies
    /// stored before version 2.
    static func scryptHash(_ credential: String) async throws -> Data {
        let salt = Secrets.randomBytes(saltByteCount)
        return Data([scryptVersion] + salt + (try await derive(Array(credential.utf8), salt: salt)))
    }

    /// scrypt costs tens of milliseconds of CPU and 16 MiB: it runs on NIO's blocking-work
    /// threads, so that it does not hold up the threads that serve other requests.
    private static func derive(_ credential: [UInt8], salt: [UInt8]) async throws -> [UInt8] {
        try await NIOThreadPool.singleton.runIfActive {
            let key = try KDF.Scrypt.deriveKey(
                from: credential, salt: salt, outputByteCount: hashByteCount, rounds: 16384, blockSize: 8, parallelism: 1)
            return key.withUnsafeBytes { Array($0) }
        }
    }
}

/// A compute party's session token, checked without any state kept per session: `expiry
/// (u64 milliseconds since 1970, big-endian) ‖ the first 24 bytes of HMAC-SHA256(key, "cairn/party-session-token/v1" ‖
/// lp(study ID) ‖ u8 party ‖ expiry)`, 32 bytes, under a key drawn at random when the service
/// starts. The token reaches only the party (sealed to its submission key, ``PartySession``),
/// and since the service keeps nothing per request, no number of requests from strangers can
/// take a session away from the party or fill the service's memory. Tokens end with the process
/// or at their expiry, whichever comes first.
struct PartySessionTokens: Sendable {
    private let key = SymmetricKey(size: .bits256)
    static let macByteCount = 24

    /// A token for the study's party (0-based) that is valid until `expiry`.
    func issue(studyID: String, party: Int, expiry: Date) -> [UInt8] {
        let milliseconds = UInt64(max(0, expiry.timeIntervalSince1970 * 1000).rounded(.down))
        let expiryBytes = withUnsafeBytes(of: milliseconds.bigEndian) { Array($0) }
        return expiryBytes + mac(studyID: studyID, party: party, expiryBytes: expiryBytes)
    }

    /// Whether `token` (its base64url text) is a live token of the study's party. Compares in
    /// constant time.
    func isValid(_ token: Substring, studyID: String, party: Int, now: Date) -> Bool {
        guard let bytes = Secrets.base64urlDecoded(token), bytes.count == 8 + Self.macByteCount else { return false }
        let expiryBytes = Array(bytes.prefix(8))
        let milliseconds = expiryBytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard Double(milliseconds) / 1000 > now.timeIntervalSince1970 else { return false }
        return Secrets.constantTimeEqual(mac(studyID: studyID, party: party, expiryBytes: expiryBytes), bytes.dropFirst(8))
    }

    private func mac(studyID: String, party: Int, expiryBytes: [UInt8]) -> [UInt8] {
        let study = Array(studyID.utf8)
        var message = Array("cairn/party-session-token/v1".utf8)
        message += withUnsafeBytes(of: UInt32(study.count).bigEndian) { Array($0) } + study
        message.append(UInt8(truncatingIfNeeded: party))
        message += expiryBytes
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: key).prefix(Self.macByteCount))
    }
}
