import Testing
@testable import CairnArithmetic

@Suite("Ring and fixed-point encoding")
struct ArithmeticTests {
    @Test("signed values round-trip through the ring", arguments: [Int64.min, -1, 0, 1, Int64.max])
    func signedRoundTrip(value: Int64) {
        #expect(Ring64.signed(Ring64.element(value)) == value)
        #expect(Ring64.mostSignificantBit(Ring64.element(value)) == (value < 0 ? 1 : 0))
    }

    @Test("fixed-point encoding rounds and saturates")
    func fixedPoint() {
        let format = FixedPointFormat.default
        #expect(format.encode(1.0) == 1 << 16)
        #expect(format.encode(-1.5) == UInt64(bitPattern: -(3 << 15)))
        #expect(format.decode(format.encode(3.25)) == 3.25)
        #expect(abs(format.decode(format.encode(0.1)) - 0.1) < 1.0 / 65536)
        #expect(format.encode(1e300) == UInt64(bitPattern: Int64.max))
        #expect(format.encode(-1e300) == UInt64(bitPattern: Int64.min))
        #expect(format.encode(.nan) == 0)
        #expect(format.one == 65536)
    }

    @Test("64×64 bit transposition moves bit (i, j) to (j, i)")
    func transpose() {
        var state: UInt64 = 12345
        var block = (0..<64).map { _ -> UInt64 in state = state &* 6364136223846793005 &+ 1442695040888963407; return state }
        let original = block
        block.withUnsafeMutableBufferPointer { BitMatrix.transpose($0.baseAddress!) }
        for i in 0..<64 {
            for j in 0..<64 {
                #expect((block[i] >> UInt64(j)) & 1 == (original[j] >> UInt64(i)) & 1)
            }
        }
        block.withUnsafeMutableBufferPointer { BitMatrix.transpose($0.baseAddress!) }
        #expect(block == original)
    }
}
