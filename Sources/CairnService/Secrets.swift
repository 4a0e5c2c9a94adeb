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

/// The analyst's credential: `cairn-analyst-` and 32 random bytes in base64url, kept by the
/// service only as a salted scrypt hash.
///
/// Stored form, version 1: `u8 1 ‖ salt (16 bytes) ‖ scrypt(credential, salt, N = 16384, r = 8,
/// p = 1) (32 bytes)`.
enum AnalystCredential {
    static let prefix = "cairn-analyst-"
    static let randomByteCount = 32
    static let version: UInt8 = 1
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

    /// The stored form of `credential`, with a fresh salt.
    static func hash(_ credential: String) async throws -> Data {
        let salt = Secrets.randomBytes(saltByteCount)
        return Data([version] + salt + (try await derive(Array(credential.utf8), salt: salt)))
    }

    /// Whether `credential` is the one `stored` was made from. Compares in constant time.
    static func verify(_ credential: Substring, against stored: Data) async -> Bool {
        let bytes = Array(stored)
        guard bytes.count == 1 + saltByteCount + hashByteCount, bytes[0] == version,
            let derived = try? await derive(Array(credential.utf8), salt: Array(bytes[1...saltByteCount]))
        else { return false }
        return Secrets.constantTimeEqual(derived, bytes[(1 + saltByteCount)...])
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
