import Crypto
import CryptoExtras

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A stream of pseudorandom 64-bit words: AES-128 in counter mode (swift-crypto) over zeros.
///
/// Two parties holding the same key and drawing the same numbers of words in the same order see the
/// same words: this is how the correlated randomness of Araki et al. (CCS 2016, §2.2) is produced
/// without communication. Each draw consumes whole 16-byte blocks and the block counter only moves
/// forward, so no counter value is ever used twice under one key.
struct PseudorandomStream {
    private let key: SymmetricKey
    private var nextBlock: UInt64 = 0

    private static let chunkSize = 4096
    private static let zeros = [UInt8](repeating: 0, count: chunkSize * 8)

    /// Creates a stream under `key`, a 128-bit AES key.
    init(key: SymmetricKey) {
        precondition(key.bitCount == 128, "stream keys are AES-128 keys")
        self.key = key
    }

    /// A stream whose key is fresh from the system's random number generator.
    static func fresh() -> PseudorandomStream { PseudorandomStream(key: SymmetricKey(size: .bits128)) }

    /// The words produced by one call into AES-CTR: large enough to amortise the call, small
    /// enough that a chunk and its consumer's operands stay in the core's cache.
    static let chunkWords = chunkSize

    /// The next `count` words (at most ``chunkWords``) as the bytes of an AES-CTR keystream.
    mutating func nextChunk(_ count: Int) -> Data {
        precondition(count <= Self.chunkWords)
        let blocks = (count + 1) / 2
        defer { nextBlock += UInt64(blocks) }
        return try! AES._CTR.encrypt(Self.zeros[0..<(blocks * 16)], using: key, nonce: Self.counterBlock(nextBlock))
    }

    /// Fills `buffer` with the next words of the stream.
    mutating func fill(_ buffer: UnsafeMutableBufferPointer<UInt64>) {
        var offset = 0
        while offset < buffer.count {
            let words = min(Self.chunkWords, buffer.count - offset)
            nextChunk(words).withUnsafeBytes { bytes in
                UnsafeMutableRawBufferPointer(start: buffer.baseAddress! + offset, count: words * 8)
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<(words * 8)]))
            }
            offset += words
        }
    }

    /// The next `count` words of the stream.
    mutating func words(_ count: Int) -> [UInt64] {
        [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(buffer)
            initialized = count
        }
    }

    /// The next word of the stream (consumes a whole block).
    mutating func next() -> UInt64 { words(1)[0] }

    /// The initial counter block: 64 zero bits, then the block index, big-endian.
    private static func counterBlock(_ block: UInt64) -> AES._CTR.Nonce {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 { bytes[15 - i] = UInt8(truncatingIfNeeded: block >> UInt64(8 * i)) }
        return try! AES._CTR.Nonce(nonceBytes: bytes)
    }
}

/// Uniform integers from a ``PseudorandomStream``, for permutations that two parties must derive
/// identically.
extension PseudorandomStream {
    /// A uniform integer in `0..<bound`, by Lemire's multiply-and-reject method, drawing words from
    /// `pool` (refilled from the stream as it runs out).
    mutating func uniform(below bound: UInt64, pool: inout WordPool) -> UInt64 {
        precondition(bound > 0)
        while true {
            let product = pool.next(from: &self).multipliedFullWidth(by: bound)
            // The threshold 2^64 mod bound is below bound, so the division is needed only then.
            if product.low >= bound || product.low >= (0 &- bound) % bound { return product.high }
        }
    }

    /// A uniformly random permutation of `0..<count` (Fisher–Yates), as a table `π` with
    /// `output[k] = input[π[k]]`.
    mutating func permutation(count: Int) -> [Int] {
        var table = Array(0..<count)
        var pool = WordPool()
        if count < 2 { return table }
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Int(uniform(below: UInt64(i + 1), pool: &pool))
            table.swapAt(i, j)
        }
        return table
    }
}

/// Words drawn from a stream in batches, so that sampling many small values does not call AES once
/// per value.
struct WordPool {
    private var words: [UInt64] = []
    private var position = 0

    mutating func next(from stream: inout PseudorandomStream) -> UInt64 {
        if position == words.count {
            words = stream.words(4096)
            position = 0
        }
        defer { position += 1 }
        return words[position]
    }
}
