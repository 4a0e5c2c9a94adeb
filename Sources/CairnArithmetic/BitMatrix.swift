/// Transposition of 64×64 bit matrices, the bridge between one-value-per-word and bit-sliced
/// layouts.
///
/// In the word layout, word `i` holds the 64 bits of value `i`. In the bit-sliced layout, word `j`
/// holds bit `j` of 64 values. Boolean circuits that need only a few output bits (the sign bit,
/// equality) are much cheaper bit-sliced, because every AND gate then works on 64 values at once.
/// Transposition is linear over XOR, so each party can transpose its boolean share components
/// locally.
public enum BitMatrix {
    /// Transposes the 64×64 bit matrix in `block` in place: afterwards bit `j` of word `i` is what
    /// bit `i` of word `j` was.
    ///
    /// - Complexity: 6 · 32 word swaps (the recursive block-swap method, Hacker's Delight §7-3).
    @inlinable
    public static func transpose(_ block: UnsafeMutablePointer<UInt64>) {
        // Six stages with constant widths, so that each inner loop unrolls and vectorises.
        swapStage(block, width: 32, mask: 0x0000_0000_FFFF_FFFF)
        swapStage(block, width: 16, mask: 0x0000_FFFF_0000_FFFF)
        swapStage(block, width: 8, mask: 0x00FF_00FF_00FF_00FF)
        swapStage(block, width: 4, mask: 0x0F0F_0F0F_0F0F_0F0F)
        swapStage(block, width: 2, mask: 0x3333_3333_3333_3333)
        swapStage(block, width: 1, mask: 0x5555_5555_5555_5555)
    }

    /// Swaps the high `width` bits of each word in the first half of every `2·width`-word group
    /// with the low bits of its partner `width` words later.
    @inlinable @inline(__always)
    static func swapStage(_ block: UnsafeMutablePointer<UInt64>, width: Int, mask: UInt64) {
        var k = 0
        while k < 64 {
            for i in k..<(k + width) {
                let t = ((block[i] >> UInt64(width)) ^ block[i + width]) & mask
                block[i] ^= t << UInt64(width)
                block[i + width] ^= t
            }
            k += 2 * width
        }
    }
}

extension BitMatrix {
    /// The bit planes of `words`: for blocks of 64 elements, plane `j` of block `b` is stored at
    /// `planes[j * blocks + b]` and holds bit `j` of element `64b + k` in its bit `k`. The last
    /// block is padded with zero elements.
    ///
    /// - Complexity: O(n), one 64×64 transposition per block.
    public static func planes(of words: [UInt64]) -> [UInt64] {
        planes(ofParts: [words])
    }

    /// The bit planes of several vectors laid end to end, each padded with zero elements to a
    /// whole number of blocks (so part `p`'s blocks follow part `p − 1`'s in every plane).
    public static func planes(ofParts parts: [[UInt64]]) -> [UInt64] {
        // (part, first element) of every block.
        var sources: [(part: Int, start: Int)] = []
        for (p, part) in parts.enumerated() {
            for start in stride(from: 0, to: part.count, by: 64) { sources.append((p, start)) }
        }
        let blocks = sources.count
        return [UInt64](unsafeUninitializedCapacity: 64 * blocks) { planes, initialized in
            // Eight blocks at a time, so that each plane receives a whole cache line per write.
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 64 * groupBlocks) { group in
                var first = 0
                while first < blocks {
                    let count = min(groupBlocks, blocks - first)
                    for g in 0..<count {
                        let block = group.baseAddress! + 64 * g
                        let (p, start) = sources[first + g]
                        let available = min(64, parts[p].count - start)
                        parts[p].withUnsafeBufferPointer { words in
                            block.update(from: words.baseAddress! + start, count: available)
                        }
                        (block + available).update(repeating: 0, count: 64 - available)
                        transpose(block)
                    }
                    for j in 0..<64 {
                        for g in 0..<count { planes[j * blocks + first + g] = group[64 * g + j] }
                    }
                    first += count
                }
            }
            initialized = 64 * blocks
        }
    }

    /// Blocks transposed together by ``planes(of:)`` and ``words(fromPlanes:count:)``.
    @usableFromInline static let groupBlocks = 8

    /// The inverse of ``planes(of:)``: the first `count` elements whose bit planes are `planes`.
    public static func words(fromPlanes planes: [UInt64], count: Int) -> [UInt64] {
        let blocks = planes.count / 64
        precondition(planes.count == 64 * blocks && count <= 64 * blocks, "not a whole number of blocks")
        return [UInt64](unsafeUninitializedCapacity: count) { words, initialized in
            planes.withUnsafeBufferPointer { planes in
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 64 * groupBlocks) { group in
                    var first = 0
                    while first < blocks && 64 * first < count {
                        let groupCount = min(groupBlocks, blocks - first)
                        for j in 0..<64 {
                            for g in 0..<groupCount { group[64 * g + j] = planes[j * blocks + first + g] }
                        }
                        for g in 0..<groupCount {
                            let block = group.baseAddress! + 64 * g
                            transpose(block)
                            let start = 64 * (first + g)
                            if start < count {
                                (words.baseAddress! + start).update(from: block, count: min(64, count - start))
                            }
                        }
                        first += groupCount
                    }
                }
            }
            initialized = count
        }
    }

    /// Packs bit 0 of each word, 64 to a word: element `64b + k` goes to bit `k` of word `b`.
    public static func packLowBits(_ words: [UInt64]) -> [UInt64] {
        var packed = [UInt64](repeating: 0, count: (words.count + 63) / 64)
        for (i, word) in words.enumerated() { packed[i >> 6] |= (word & 1) << UInt64(i & 63) }
        return packed
    }

    /// The inverse of ``packLowBits(_:)``: `count` words, each holding one bit in bit 0.
    public static func unpackLowBits(_ packed: [UInt64], count: Int) -> [UInt64] {
        (0..<count).map { i in (packed[i >> 6] >> UInt64(i & 63)) & 1 }
    }
}
