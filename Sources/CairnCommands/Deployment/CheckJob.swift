import CairnArithmetic
import CairnMPC

/// The computation `cairn party` runs by default: a short multiply, comparison and sort of inputs
/// derived from a public seed, which every party can check against the cleartext itself. It
/// proves the three parties are connected, agree on their keys, and compute correctly.
public struct CheckJob: Sendable {
    /// What the three parties revealed.
    public struct Outcome: Codable, Sendable, Equatable {
        public var party: Int
        public var n: Int
        public var products: [UInt64]
        public var lessThan: [Bool]
        public var sortedKeys: [UInt64]
        public var sortedPayload: [UInt64]
    }

    public var n: Int
    public var seed: UInt64

    public init(n: Int, seed: UInt64) {
        self.n = n
        self.seed = seed
    }

    /// The public test inputs: party 1's vector `a` (with the ring's edge values first) and party
    /// 2's vector `b`.
    public func inputs() -> (a: [UInt64], b: [UInt64]) {
        var generator = SplitMix64(seed: seed)
        var a = (0..<n).map { _ in generator.next() }
        let b = (0..<n).map { _ in generator.next() % 1000 }
        let edges: [UInt64] = [0, 1, .max, 1 << 63, UInt64(Int64.max)]
        for (i, edge) in edges.prefix(n).enumerated() { a[i] = edge }
        if n > 6 { a[6] = a[5] }  // a tie for the sort
        return (a, b)
    }

    /// The outcome computed in the clear.
    public func expected(party: Int) -> Outcome {
        let (a, b) = inputs()
        let order = a.indices.sorted { (Int64(bitPattern: a[$0]), $0) < (Int64(bitPattern: a[$1]), $1) }
        return Outcome(
            party: party, n: n, products: zip(a, b).map(&*),
            lessThan: zip(a, b).map { Int64(bitPattern: $0) < Int64(bitPattern: $1) },
            sortedKeys: order.map { a[$0] }, sortedPayload: order.map { b[$0] })
    }

    /// Runs the check on `party`; all three parties call this together. `stage` is told the name
    /// of each step as it starts ("sharing", "multiplying", "comparing", "sorting"), so that an
    /// operator, or a test, can see how far the computation got.
    public func run(on party: Party, stage: (String) -> Void = { _ in }) async throws -> Outcome {
        let (a, b) = inputs()
        stage("sharing")
        let x: ArithmeticShared = try await party.share(party.index == .zero ? a : nil, from: .zero, count: n)
        let y: ArithmeticShared = try await party.share(party.index == .one ? b : nil, from: .one, count: n)
        stage("multiplying")
        let products = try await party.reveal(try await party.multiply(x, y))
        stage("comparing")
        let less = try await party.reveal(try await party.lessThan(x, y))
        stage("sorting")
        let sorted = try await party.sort(keys: x, payload: [y])
        return Outcome(
            party: party.index.rawValue + 1, n: n, products: products, lessThan: less,
            sortedKeys: try await party.reveal(sorted.keys), sortedPayload: try await party.reveal(sorted.payload[0]))
    }
}
