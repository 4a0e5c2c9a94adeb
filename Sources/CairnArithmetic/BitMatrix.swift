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
