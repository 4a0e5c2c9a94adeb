import Crypto
import CryptoExtras

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One compute party's additive share of a contributor's vector, before encryption.
///
/// Every party but the last receives a 16-byte seed, which stands for the vector that
/// ``expand()`` derives from it (AES-128 in counter mode, see ``SubmissionShares``). The last party
/// receives the full vector `x − Σ expand(seedᵢ)` (wrapping arithmetic in Z/2^64). The byte format
/// is pinned in `docs/FORMATS.md`.
///
/// The textual description never shows the seed or the words: a share must not end up in a log.
public enum ShareBody: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// A seed of ``SubmissionShares/seedByteCount`` bytes standing for `count` pseudorandom words.
    case seed([UInt8], count: Int)
    /// The full share vector.
    case full([UInt64])

    /// The number of ring elements this share stands for.
    public var count: Int {
        switch self {
        case let .seed(_, count): count
        case let .full(words): words.count
        }
    }

    /// The share as a vector of ring elements: the seed's expansion, or the full vector itself.
    public func expand() -> [UInt64] {
        switch self {
        case let .seed(seed, count): SubmissionShares.expand(seed: seed, count: count)
        case let .full(words): words
        }
    }

    public var description: String {
        switch self {
        case let .seed(_, count): "seed share of \(count) values"
        case let .full(words): "full share of \(words.count) values"
        }
    }

    public var debugDescription: String { description }
}

/// Additive secret sharing of a vector of ring elements with seed compression, as in Prio3.
///
/// For `p` parties, parties `0 … p−2` (0-based) each get a fresh 16-byte seed and party `p−1`, the
/// last, gets `x − Σ PRG(seedᵢ)`. Any `p − 1` shares are uniformly random and independent of `x`;
/// all `p` sum to `x` modulo 2^64.
///
/// PRG: AES-128-CTR with the seed as key and an initial counter block of 16 zero bytes (the whole
/// block is the big-endian counter); the keystream's bytes `[8k, 8k+8)`, read little-endian, are
/// word `k`.
public enum SubmissionShares {
    /// The number of bytes in a seed (an AES-128 key).
    public static let seedByteCount = 16
    /// The number of compute parties a submission may be shared among.
    public static let supportedPartyCounts: ClosedRange<Int> = 2...3
    /// The largest vector a submission may carry (2^24 words, 128 MiB as a full share).
    public static let maximumCount = 1 << 24

    /// Splits `values` into `parties` additive shares (index `i` is party `i`'s share), with fresh
    /// seeds from the system's cryptographically secure generator.
    ///
    /// - Precondition: `parties` is 2 or 3 and `values.count ≤ maximumCount`.
    public static func split(_ values: [UInt64], parties: Int) -> [ShareBody] {
        precondition(supportedPartyCounts.contains(parties), "a submission is shared among 2 or 3 parties")
        var generator = SystemRandomNumberGenerator()
        let seeds = (0..<(parties - 1)).map { _ in
            (0..<seedByteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        }
        return split(values, seeds: seeds)
    }

    /// Splits `values` using the given seeds for parties `0 … seeds.count − 1`; the last share is the
    /// full vector. Deterministic: for known-answer tests and the worked example in `FORMATS.md`
    /// only. Real submissions use ``split(_:parties:)``.
    static func split(_ values: [UInt64], seeds: [[UInt8]]) -> [ShareBody] {
        precondition(values.count <= maximumCount, "a submission carries at most \(maximumCount) values")
        var last = values
        var shares: [ShareBody] = []
        for seed in seeds {
            let mask = expand(seed: seed, count: values.count)
            for k in last.indices { last[k] &-= mask[k] }
            shares.append(.seed(seed, count: values.count))
        }
        shares.append(.full(last))
        return shares
    }

    /// The `count` words that `seed` stands for: AES-128-CTR keystream under key `seed`, initial
    /// counter block all zero, read as little-endian 64-bit words.
    public static func expand(seed: [UInt8], count: Int) -> [UInt64] {
        precondition(seed.count == seedByteCount, "a seed is \(seedByteCount) bytes")
        precondition((0...maximumCount).contains(count), "a share holds at most \(maximumCount) values")
        guard count > 0 else { return [] }
        let key = SymmetricKey(data: seed)
        let nonce = try! AES._CTR.Nonce(nonceBytes: [UInt8](repeating: 0, count: 16))
        let zeros = [UInt8](repeating: 0, count: count * 8)
        let keystream = try! AES._CTR.encrypt(zeros, using: key, nonce: nonce)
        return keystream.withUnsafeBytes { bytes in
            (0..<count).map { k in UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)) }
        }
    }

    /// Adds share vectors element-wise (wrapping): the reconstruction `Σ shareᵢ = x`.
    public static func combine(_ shares: [ShareBody]) -> [UInt64] {
        guard let first = shares.first else { return [] }
        var sum = [UInt64](repeating: 0, count: first.count)
        for share in shares {
            precondition(share.count == sum.count, "shares of one vector have one length")
            let words = share.expand()
            for k in sum.indices { sum[k] &+= words[k] }
        }
        return sum
    }
}

/// The plaintext that is encrypted to a party: version, kind, count, then the seed or the words.
///
/// ```
/// u8  version = 1
/// u8  kind    = 1 (seed) | 2 (full)
/// u32 count   (number of 64-bit words, big-endian)
/// seed: 16 bytes | full: count × u64 little-endian
/// ```
extension ShareBody {
    /// The plaintext format version.
    public static let plaintextVersion: UInt8 = 1
    static let seedKind: UInt8 = 1
    static let fullKind: UInt8 = 2
    static let headerByteCount = 6

    /// The serialised plaintext (see `docs/FORMATS.md`).
    public var plaintext: [UInt8] {
        var bytes: [UInt8] = [Self.plaintextVersion]
        switch self {
        case let .seed(seed, count):
            bytes.append(Self.seedKind)
            bytes += SubmissionWire.bigEndian(UInt32(count))
            bytes.append(contentsOf: seed)
        case let .full(words):
            bytes.reserveCapacity(Self.headerByteCount + 8 * words.count)
            bytes.append(Self.fullKind)
            bytes += SubmissionWire.bigEndian(UInt32(words.count))
            for word in words { bytes += SubmissionWire.littleEndian(word) }
        }
        return bytes
    }

    /// Why a plaintext is not a share; never mentions its contents.
    enum PlaintextProblem: Error, Equatable {
        case tooShort
        case unsupportedVersion(UInt8)
        case unknownKind(UInt8)
        case tooLong(count: Int)
        case wrongLength(kind: String, count: Int, byteCount: Int)

        var description: String {
            switch self {
            case .tooShort:
                "it is shorter than the \(ShareBody.headerByteCount)-byte header"
            case let .unsupportedVersion(version):
                "its format version is \(version), and only version \(ShareBody.plaintextVersion) is understood"
            case let .unknownKind(kind):
                "its kind byte is \(kind), which is neither 1 (seed) nor 2 (full vector)"
            case let .tooLong(count):
                "it claims \(count) values, more than the \(SubmissionShares.maximumCount) a submission may carry"
            case let .wrongLength(kind, count, byteCount):
                "a \(kind) share of \(count) values cannot be \(byteCount) bytes long"
            }
        }
    }

    /// Parses a plaintext produced by ``plaintext``.
    init(plaintext bytes: some Collection<UInt8>) throws(PlaintextProblem) {
        let bytes = Array(bytes)
        guard bytes.count >= Self.headerByteCount else { throw .tooShort }
        guard bytes[0] == Self.plaintextVersion else { throw .unsupportedVersion(bytes[0]) }
        let count = Int(bytes[2...5].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        guard count <= SubmissionShares.maximumCount else { throw .tooLong(count: count) }
        let body = bytes[Self.headerByteCount...]
        switch bytes[1] {
        case Self.seedKind:
            guard body.count == SubmissionShares.seedByteCount else {
                throw .wrongLength(kind: "seed", count: count, byteCount: bytes.count)
            }
            self = .seed(Array(body), count: count)
        case Self.fullKind:
            guard body.count == 8 * count else {
                throw .wrongLength(kind: "full", count: count, byteCount: bytes.count)
            }
            let words = body.withUnsafeBytes { raw in
                (0..<count).map { k in UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)) }
            }
            self = .full(words)
        default:
            throw .unknownKind(bytes[1])
        }
    }
}
