import CairnArithmetic
@testable import CairnMPC

/// Seeded test inputs (not for anything secret).
typealias SeededGenerator = SplitMix64

/// Ring elements that break careless protocols: zero, one, −1, and the signed extremes.
let edgeElements: [UInt64] = [0, 1, UInt64.max, 1 << 63, UInt64(Int64.max), 2, UInt64.max - 1, (1 << 63) + 1]

/// Vector lengths to run every protocol at: empty, one, not powers of two, and a few hundred.
let testLengths = [0, 1, 2, 3, 7, 64, 65, 100, 257]

func randomElements(_ count: Int, seed: UInt64) -> [UInt64] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { _ in generator.next() }
}

/// Random elements whose signed value lies in `-bound...bound`.
func randomSigned(_ count: Int, bound: Int64, seed: UInt64) -> [UInt64] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { _ in UInt64(bitPattern: Int64.random(in: -bound...bound, using: &generator)) }
}

/// Seeded random values with the edge elements mixed in at the front.
func inputsWithEdges(_ count: Int, seed: UInt64) -> [UInt64] {
    var values = randomElements(count, seed: seed)
    for (i, edge) in edgeElements.prefix(count).enumerated() { values[i] = edge }
    return values
}

/// Party 0 inputs `values`; the three parties run `body` on the sharing; party 0's reveal of the
/// result is returned after checking that all three parties revealed the same thing.
func compute(
    keys: SessionKeys = .fresh,
    _ inputs: [[UInt64]],
    _ body: @escaping @Sendable (Party, [ArithmeticShared]) async throws -> ArithmeticShared
) async throws -> [UInt64] {
    let outputs = try await InProcessCluster.run(keys: keys) { party in
        var shared: [ArithmeticShared] = []
        for (k, values) in inputs.enumerated() {
            let owner = PartyIndex.all[k % 3]
            shared.append(try await party.share(party.index == owner ? values : nil, from: owner, count: values.count))
        }
        return try await party.reveal(try await body(party, shared))
    }
    precondition(outputs[0] == outputs[1] && outputs[1] == outputs[2], "parties revealed different values")
    return outputs[0]
}

/// As `compute`, for protocols whose result is a boolean sharing.
func computeBoolean(
    _ inputs: [[UInt64]],
    _ body: @escaping @Sendable (Party, [ArithmeticShared]) async throws -> BooleanShared
) async throws -> [UInt64] {
    let outputs = try await InProcessCluster.run { party in
        var shared: [ArithmeticShared] = []
        for (k, values) in inputs.enumerated() {
            let owner = PartyIndex.all[k % 3]
            shared.append(try await party.share(party.index == owner ? values : nil, from: owner, count: values.count))
        }
        return try await party.reveal(try await body(party, shared))
    }
    precondition(outputs[0] == outputs[1] && outputs[1] == outputs[2], "parties revealed different values")
    return outputs[0]
}
