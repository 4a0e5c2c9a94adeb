import CairnArithmetic
import Testing
@testable import CairnMPC

/// Party `owner` inputs `values` as a boolean sharing, the parties convert it to arithmetic sharing,
/// and each returns its two components.
private func convert(_ values: [UInt64], owner: PartyIndex) async throws -> [[[UInt64]]] {
    try await InProcessCluster.run { party in
        let b = try await party.share(party.index == owner ? values : nil, from: owner, count: values.count, as: Boolean.self)
        let a = try await party.arithmetic(fromBoolean: b)
        return [a.first, a.second]
    }
}

/// Checks that `components[i]` is party `i`'s view of a replicated sharing of `values`: party `i`'s
/// second component is party `i + 1`'s first, and the three components add up to the values.
private func expectReplicated(_ components: [[[UInt64]]], sharing values: [UInt64]) {
    for i in 0..<3 { #expect(components[i][1] == components[(i + 1) % 3][0], "party \(i) and its next disagree") }
    let sums = (0..<values.count).map { k in components[0][0][k] &+ components[1][0][k] &+ components[2][0][k] }
    #expect(sums == values)
}

@Suite("Boolean to arithmetic conversion")
struct BooleanToArithmeticTests {
    @Test("conversion gives a consistent replicated sharing of the same words", arguments: [0, 1, 63, 64, 65, 200])
    func fullRange(length: Int) async throws {
        let values = inputsWithEdges(length, seed: 1000 + UInt64(length))
        for owner in PartyIndex.all {
            expectReplicated(try await convert(values, owner: owner), sharing: values)
        }
    }

    @Test("small signed values and carries across every bit position")
    func smallAndCarries() async throws {
        let small = randomSigned(200, bound: 5, seed: 1010)
        expectReplicated(try await convert(small, owner: .one), sharing: small)
        let chains = (0..<64).flatMap { k -> [UInt64] in
            let power: UInt64 = 1 << UInt64(k)
            return [power, power &- 1, 0 &- power, 0 &- (power &- 1)]
        }
        expectReplicated(try await convert(chains, owner: .two), sharing: chains)
    }

    @Test("conversions both ways are inverse, and converted values multiply correctly")
    func roundTrips() async throws {
        let values = inputsWithEdges(130, seed: 1020)
        let outputs = try await InProcessCluster.run { party in
            let b = try await party.share(party.index == .zero ? values : nil, from: .zero, count: values.count, as: Boolean.self)
            let a: ArithmeticShared = try await party.share(party.index == .one ? values : nil, from: .one, count: values.count)
            let converted = try await party.arithmetic(fromBoolean: b)
            return [
                try await party.reveal(try await party.bitDecomposition(converted)),
                try await party.reveal(try await party.arithmetic(fromBoolean: try await party.bitDecomposition(a))),
                try await party.reveal(try await party.multiply(converted, converted)),
            ]
        }
        for output in outputs { #expect(output == [values, values, values.map { $0 &* $0 }]) }
    }

    @Test("the boolean adder adds modulo 2^64", arguments: [0, 1, 65])
    func adder(length: Int) async throws {
        let a = inputsWithEdges(length, seed: 1030)
        let b = Array((edgeElements.reversed() + randomElements(length, seed: 1031)).prefix(length))
        let outputs = try await InProcessCluster.run { party in
            let x = try await party.share(party.index == .zero ? a : nil, from: .zero, count: length, as: Boolean.self)
            let y = try await party.share(party.index == .two ? b : nil, from: .two, count: length, as: Boolean.self)
            return try await party.reveal(try await party.add(x, y))
        }
        for output in outputs { #expect(output == zip(a, b).map(&+)) }
    }

    @Test("every party's components look uniformly random, even for constant inputs")
    func componentsAreRandom() async throws {
        let zeros = [UInt64](repeating: 0, count: 512)
        let components = try await convert(zeros, owner: .zero)
        expectReplicated(components, sharing: zeros)
        for party in components {
            for component in party {
                let fraction = Double(component.reduce(0) { $0 + $1.nonzeroBitCount }) / Double(component.count * 64)
                #expect(abs(fraction - 0.5) < 0.02)
            }
        }
    }
}
