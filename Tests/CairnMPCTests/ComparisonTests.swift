import CairnArithmetic
import Testing
@testable import CairnMPC

/// Shares each input vector (vector `k` owned by party `k mod 3`), runs `body` and reveals each
/// result; checks that all three parties revealed the same bits.
private func computeBits(
    _ inputs: [[UInt64]],
    _ body: @escaping @Sendable (Party, [ArithmeticShared]) async throws -> [SharedBits]
) async throws -> [[Bool]] {
    let outputs = try await InProcessCluster.run { party in
        var shared: [ArithmeticShared] = []
        for (k, values) in inputs.enumerated() {
            let owner = PartyIndex.all[k % 3]
            shared.append(try await party.share(party.index == owner ? values : nil, from: owner, count: values.count))
        }
        var revealed: [[Bool]] = []
        for bits in try await body(party, shared) { revealed.append(try await party.reveal(bits)) }
        return revealed
    }
    #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2], "parties revealed different bits")
    return outputs[0]
}

/// Runs all six comparisons of two sharings, in a fixed order.
private func allComparisons(_ party: Party, _ x: ArithmeticShared, _ y: ArithmeticShared) async throws -> [SharedBits] {
    [
        try await party.lessThan(x, y), try await party.greaterThan(x, y),
        try await party.lessThanOrEqual(x, y), try await party.greaterThanOrEqual(x, y),
        try await party.lessThanUnsigned(x, y), try await party.equal(x, y),
    ]
}

/// The cleartext results of ``allComparisons(_:_:_:)``.
private func expectedComparisons(_ a: [UInt64], _ b: [UInt64]) -> [[Bool]] {
    let pairs = zip(Ring64.signed(a), Ring64.signed(b))
    return [
        pairs.map { $0 < $1 }, pairs.map { $0 > $1 }, pairs.map { $0 <= $1 }, pairs.map { $0 >= $1 },
        zip(a, b).map { $0 < $1 }, pairs.map { $0 == $1 },
    ]
}

/// The edge elements and `Int64.max − 1`, so that every neighbour of both signed extremes occurs.
private let edges = edgeElements + [UInt64(Int64.max) - 1]

@Suite("Comparisons and equality")
struct ComparisonTests {
    static let lengths = [0, 1, 63, 64, 65, 200]

    @Test("comparisons of two sharings match Int64 and UInt64 order", arguments: lengths)
    func fullRange(length: Int) async throws {
        let a = inputsWithEdges(length, seed: 800 + UInt64(length))
        var b = Array((edges.reversed() + randomElements(length, seed: 900 + UInt64(length))).prefix(length))
        for i in stride(from: 3, to: length, by: 5) { b[i] = a[i] }  // some equal pairs
        let results = try await computeBits([a, b]) { party, x in try await allComparisons(party, x[0], x[1]) }
        #expect(results == expectedComparisons(a, b))
    }

    @Test("comparisons of small signed values, often equal", arguments: lengths)
    func smallMagnitude(length: Int) async throws {
        let a = randomSigned(length, bound: 20, seed: 810 + UInt64(length))
        var b = randomSigned(length, bound: 20, seed: 910 + UInt64(length))
        for i in stride(from: 0, to: length, by: 7) { b[i] = a[i] }  // some equal pairs
        let results = try await computeBits([a, b]) { party, x in try await allComparisons(party, x[0], x[1]) }
        #expect(results == expectedComparisons(a, b))
    }

    @Test("every pair of edge elements compares correctly, including Int64.min against Int64.max")
    func edgePairs() async throws {
        let a = edges.flatMap { e in edges.map { _ in e } }
        let b = edges.flatMap { _ in edges }
        let results = try await computeBits([a, b]) { party, x in try await allComparisons(party, x[0], x[1]) }
        #expect(results == expectedComparisons(a, b))
        let minIndex = edges.firstIndex(of: 1 << 63)! * edges.count + edges.firstIndex(of: UInt64(Int64.max))!
        #expect(results[0][minIndex] && !results[1][minIndex] && !results[4][minIndex])
    }

    @Test("comparisons with public constants", arguments: [0, 1, 65, 200])
    func constants(length: Int) async throws {
        let constants: [Int64] = Ring64.signed(edges) + [12_345, -98_765, Int64.max - 7, Int64.min + 7]
            + Ring64.signed(randomElements(2, seed: 820))
        // Edge elements, the neighbours of every constant, small values and full-range values.
        let near = constants.flatMap { c in [c &- 1, c, c &+ 1].map(Ring64.element) }
        let pool = edges + near + randomSigned(64, bound: 3, seed: 821) + randomElements(64, seed: 822)
        let values = Array((0..<length).map { pool[$0 % pool.count] })
        let results = try await computeBits([values]) { party, x in
            var bits: [SharedBits] = []
            for c in constants {
                bits += [
                    try await party.lessThan(x[0], c), try await party.greaterThan(x[0], c),
                    try await party.lessThanOrEqual(x[0], c), try await party.greaterThanOrEqual(x[0], c),
                    try await party.equal(x[0], Ring64.element(c)),
                ]
            }
            return bits
        }
        let signed = Ring64.signed(values)
        let expected = constants.flatMap { c in
            [signed.map { $0 < c }, signed.map { $0 > c }, signed.map { $0 <= c }, signed.map { $0 >= c }, signed.map { $0 == c }]
        }
        #expect(results == expected)
    }

    @Test("equality notices a difference in any single bit")
    func singleBitDifferences() async throws {
        let base = randomElements(64, seed: 830)
        let a = base + base + [0, UInt64.max]
        let b = (0..<64).map { base[$0] ^ (1 << UInt64($0)) } + base + [0, UInt64.max]
        let results = try await computeBits([a, b]) { party, x in
            [try await party.equal(x[0], x[1]), try await party.equal(x[1], x[0])]
        }
        let expected = [Bool](repeating: false, count: 64) + [Bool](repeating: true, count: 66)
        #expect(results == [expected, expected])
    }

    @Test("vectors of different lengths are refused")
    func lengthMismatch() async throws {
        for protocolIndex in 0..<3 {
            await #expect(throws: MPCError.lengthMismatch(expected: 2, actual: 3)) {
                _ = try await computeBits([[1, 2], [1, 2, 3]]) { party, x in
                    switch protocolIndex {
                    case 0: [try await party.lessThan(x[0], x[1])]
                    case 1: [try await party.lessThanUnsigned(x[0], x[1])]
                    default: [try await party.equal(x[0], x[1])]
                    }
                }
            }
        }
    }

    @Test("result components look uniformly random even when every result is the same")
    func resultsAreRerandomised() async throws {
        let zeros = [UInt64](repeating: 0, count: 4096)
        let components = try await InProcessCluster.run { party in
            let x: ArithmeticShared = try await party.share(party.index == .zero ? zeros : nil, from: .zero, count: zeros.count)
            let results = [try await party.lessThan(x, x), try await party.equal(x, x), try await party.lessThan(x, 0)]
            return results.map(\.words.first)  // component x_i of each result
        }
        for result in 0..<3 {
            let words = components.flatMap { $0[result] }
            let fraction = Double(words.reduce(0) { $0 + $1.nonzeroBitCount }) / Double(words.count * 64)
            #expect(abs(fraction - 0.5) < 0.03)
        }
    }
}
