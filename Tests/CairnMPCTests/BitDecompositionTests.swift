import CairnArithmetic
import Testing
@testable import CairnMPC

@Suite("Bit decomposition and sign bits")
struct BitDecompositionTests {
    static let lengths = [0, 1, 2, 63, 64, 65, 129, 300]

    @Test("bit decomposition reproduces every bit", arguments: lengths)
    func bitDecomposition(length: Int) async throws {
        let values = inputsWithEdges(length, seed: 500 + UInt64(length))
        let bits = try await computeBoolean([values]) { party, x in try await party.bitDecomposition(x[0]) }
        #expect(bits == values)
    }

    @Test("sign bits match the most significant bit", arguments: lengths)
    func signBits(length: Int) async throws {
        let values = inputsWithEdges(length, seed: 600 + UInt64(length))
        let outputs = try await InProcessCluster.run { party in
            let x: ArithmeticShared = try await party.share(party.index == .one ? values : nil, from: .one, count: length)
            return try await party.reveal(try await party.mostSignificantBits(x))
        }
        for output in outputs { #expect(output == values.map { $0 >> 63 == 1 }) }
    }

    @Test("sign bits of values near carries across every bit position")
    func carryChains() async throws {
        // x = 2^k − 1 and 2^k, and their negations: long carry chains in the share sum.
        let values = (0..<64).flatMap { k -> [UInt64] in
            let power: UInt64 = 1 << UInt64(k)
            return [power, power &- 1, 0 &- power, 0 &- (power &- 1)]
        }
        let outputs = try await InProcessCluster.run { party in
            let x: ArithmeticShared = try await party.share(party.index == .two ? values : nil, from: .two, count: values.count)
            return (try await party.reveal(try await party.mostSignificantBits(x)), try await party.reveal(try await party.bitDecomposition(x)))
        }
        for (signs, bits) in outputs {
            #expect(signs == values.map { $0 >> 63 == 1 })
            #expect(bits == values)
        }
    }

    @Test("packed bits combine with AND, OR, XOR and NOT")
    func packedBits() async throws {
        let a = (0..<130).map { $0 % 3 == 0 }, b = (0..<130).map { $0 % 5 < 2 }
        let outputs = try await InProcessCluster.run { party in
            let x = try await party.share(party.index == .zero ? a.map { $0 ? 1 : 0 } : nil, from: .zero, count: 130, as: Boolean.self)
            let y = SharedBits.public(b, party: party.index)
            let bits = SharedBits(packing: x)
            return [
                try await party.reveal(try await party.and(bits, y)), try await party.reveal(try await party.or(bits, y)),
                try await party.reveal(bits ^ y), try await party.reveal(~bits), try await party.reveal(bits[3..<70]),
                try await party.reveal(SharedBits.concatenating([bits, y])),
                try await party.reveal(bits.unpacked()).map { $0 == 1 },
            ]
        }
        let and: [Bool] = zip(a, b).map { $0 && $1 }
        let or: [Bool] = zip(a, b).map { $0 || $1 }
        let xor: [Bool] = zip(a, b).map { $0 != $1 }
        let not: [Bool] = a.map { !$0 }
        let expected: [[Bool]] = [and, or, xor, not, Array(a[3..<70]), a + b, a]
        for output in outputs { #expect(output == expected) }
    }
}
