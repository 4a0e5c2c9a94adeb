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
        var width = 32
        var mask: UInt64 = 0x0000_0000_FFFF_FFFF
        while width != 0 {
            var k = 0
            while k < 64 {
                for i in k..<(k + width) {
                    let t = ((block[i] >> UInt64(width)) ^ block[i + width]) & mask
                    block[i] ^= t << UInt64(width)
                    block[i + width] ^= t
                }
                k += 2 * width
            }
            width >>= 1
            mask ^= mask << UInt64(width)
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
        let blocks = (words.count + 63) / 64
        var planes = [UInt64](repeating: 0, count: 64 * blocks)
        var block = [UInt64](repeating: 0, count: 64)
        words.withUnsafeBufferPointer { words in
            planes.withUnsafeMutableBufferPointer { planes in
                block.withUnsafeMutableBufferPointer { block in
                    for b in 0..<blocks {
                        let start = 64 * b
                        let available = min(64, words.count - start)
                        for k in 0..<64 { block[k] = k < available ? words[start + k] : 0 }
                        transpose(block.baseAddress!)
                        for j in 0..<64 { planes[j * blocks + b] = block[j] }
                    }
                }
            }
        }
        return planes
    }

    /// The inverse of ``planes(of:)``: the first `count` elements whose bit planes are `planes`.
    public static func words(fromPlanes planes: [UInt64], count: Int) -> [UInt64] {
        let blocks = planes.count / 64
        precondition(planes.count == 64 * blocks && count <= 64 * blocks, "not a whole number of blocks")
        var words = [UInt64](repeating: 0, count: count)
        var block = [UInt64](repeating: 0, count: 64)
        planes.withUnsafeBufferPointer { planes in
            words.withUnsafeMutableBufferPointer { words in
                block.withUnsafeMutableBufferPointer { block in
                    for b in 0..<blocks {
                        for j in 0..<64 { block[j] = planes[j * blocks + b] }
                        transpose(block.baseAddress!)
                        let start = 64 * b
                        for k in 0..<min(64, count - start) { words[start + k] = block[k] }
                    }
                }
            }
        }
        return words
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
