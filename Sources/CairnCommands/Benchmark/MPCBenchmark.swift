import CairnArithmetic
import CairnMPC

/// One measured protocol run: the figures `cairn bench mpc` prints.
public struct BenchmarkResult: Sendable, Equatable, Codable {
    /// The operation measured: `mul`, `lt`, `eq`, `fxmul`, `shuffle` or `sort`.
    public var op: String
    /// The number of elements (rows, for shuffle and sort).
    public var n: Int
    /// The number of compute parties.
    public var parties: Int
    /// `inprocess` or `tcp`.
    public var transport: String
    /// Wall-clock seconds from the moment all parties hold their inputs to the moment all hold
    /// their outputs (the median over the repetitions).
    public var seconds: Double
    /// Elements processed per second.
    public var perSecond: Double
    /// Bytes sent per element in one repetition by the party that sent most, where the transport
    /// counts them (`tcp`), framing and TLS records included.
    public var bytesPerParty: Double?

    enum CodingKeys: String, CodingKey {
        case op, n, parties, transport, seconds
        case perSecond = "per_second"
        case bytesPerParty = "bytes_per_party_per_element"
    }
}

/// A protocol to benchmark: how to make its secret inputs (untimed) and what to run (timed).
public struct BenchmarkCase: Sendable {
    public let op: String
    public let n: Int
    /// Runs on every party: prepares inputs, then returns the timed body.
    let prepare: @Sendable (Party, Int) async throws -> @Sendable (Party) async throws -> Void

    /// The cases of `cairn bench mpc`, in the order the issue lists them.
    public static func standard(scale: Double = 1) -> [BenchmarkCase] {
        func size(_ n: Int) -> Int { max(1, Int(Double(n) * scale)) }
        return [
            .multiply(n: size(1_000_000)),
            .multiply(n: size(10_000_000)),
            .lessThan(n: size(1_000_000)),
            .equal(n: size(1_000_000)),
            .fixedPointMultiply(n: size(1_000_000)),
            .shuffle(n: size(1_000_000)),
            .sort(n: size(1 << 16)),
            .sort(n: size(1 << 18)),
            .sort(n: size(1 << 20)),
        ]
    }

    /// Element-wise multiplication of two random arithmetic sharings.
    public static func multiply(n: Int) -> BenchmarkCase {
        BenchmarkCase(op: "mul", n: n) { party, n in
            let (x, y) = (party.randomShared(Arithmetic.self, count: n), party.randomShared(Arithmetic.self, count: n))
            return { party in _ = try await party.multiply(x, y) }
        }
    }
}

extension BenchmarkCase {
    /// Signed less-than of two random arithmetic sharings (exact over the full 64-bit range).
    public static func lessThan(n: Int) -> BenchmarkCase {
        BenchmarkCase(op: "lt", n: n) { party, n in
            let (x, y) = (party.randomShared(Arithmetic.self, count: n), party.randomShared(Arithmetic.self, count: n))
            return { party in _ = try await party.lessThan(x, y) }
        }
    }

    /// Fixed-point multiplication with probabilistic truncation (16 fractional bits) of random
    /// values below 2^20 in magnitude.
    public static func fixedPointMultiply(n: Int) -> BenchmarkCase {
        BenchmarkCase(op: "fxmul", n: n) { party, n in
            let values = party.index == .zero ? (0..<n).map { UInt64(bitPattern: Int64(($0 &* 2_654_435_761) % (1 << 36)) - (1 << 35)) } : nil
            let x = try await party.share(values, from: .zero, count: n)
            return { party in _ = try await party.multiply(x, x, format: .default) }
        }
    }

    /// Oblivious shuffle of a table of two columns (a key and a payload), counted in rows.
    public static func shuffle(n: Int) -> BenchmarkCase {
        BenchmarkCase(op: "shuffle", n: n) { party, n in
            let columns = [party.randomShared(Arithmetic.self, count: n), party.randomShared(Arithmetic.self, count: n)]
            return { party in _ = try await party.shuffle(columns) }
        }
    }

    /// Sort of random 64-bit keys carrying one payload column, counted in rows.
    public static func sort(n: Int) -> BenchmarkCase {
        BenchmarkCase(op: "sort", n: n) { party, n in
            let (keys, payload) = (party.randomShared(Arithmetic.self, count: n), party.randomShared(Arithmetic.self, count: n))
            return { party in _ = try await party.sort(keys: keys, payload: [payload]) }
        }
    }

    /// Equality of two random arithmetic sharings.
    public static func equal(n: Int) -> BenchmarkCase {
        BenchmarkCase(op: "eq", n: n) { party, n in
            let (x, y) = (party.randomShared(Arithmetic.self, count: n), party.randomShared(Arithmetic.self, count: n))
            return { party in _ = try await party.equal(x, y) }
        }
    }
}

/// Runs benchmark cases.
public enum MPCBenchmark {
    /// Measures `benchmark` `repetitions` times with three parties in this process, on the same
    /// inputs, and reports the median time.
    public static func run(_ benchmark: BenchmarkCase, repetitions: Int = 3) async throws -> BenchmarkResult {
        let times = try await InProcessCluster.run { party in
            try await measure(benchmark, on: party, repetitions: repetitions).times
        }
        // Each repetition ends when the slowest party finishes.
        let perRepetition = (0..<repetitions).map { k in times.map { $0[k] }.max()! }
        return result(benchmark, transport: "inprocess", times: perRepetition)
    }

    /// Prepares `benchmark`'s inputs and times it `repetitions` times on one party; all three
    /// parties call this together. Returns the seconds of each repetition.
    ///
    /// Each repetition is ``timed(on:_:)`` between barriers. `bytesSent`, if given, reads the transport's count of bytes this party
    /// has sent; the difference over the timed repetitions is returned.
    public static func measure(
        _ benchmark: BenchmarkCase, on party: Party, repetitions: Int, bytesSent: (@Sendable () -> Int)? = nil
    ) async throws -> (times: [Double], bytes: Int) {
        precondition(repetitions > 0)
        let body = try await benchmark.prepare(party, benchmark.n)
        var times: [Double] = []
        let bytesBefore = bytesSent?() ?? 0
        for _ in 0..<repetitions {
            times.append(try await timed(on: party) { try await body(party) })
        }
        return (times, (bytesSent?() ?? 0) - bytesBefore)
    }

    /// Seconds that `body` takes on `party`, between barriers: two one-element reveals before and
    /// after, so that every party has finished when any party stops its clock, and one party's
    /// time covers all three parties' work.
    static func timed(on party: Party, _ body: () async throws -> Void) async throws -> Double {
        func barrier() async throws {
            for _ in 0..<2 { _ = try await party.reveal(ArithmeticShared.zeros(count: 1, party: party.index)) }
        }
        try await barrier()
        return try await Stopwatch.time {
            try await body()
            try await barrier()
        }
    }

    /// The median of `times` as a result line.
    public static func result(
        _ benchmark: BenchmarkCase, transport: String, times: [Double], bytesPerParty: Double? = nil
    ) -> BenchmarkResult {
        let seconds = times.sorted()[times.count / 2]
        return BenchmarkResult(
            op: benchmark.op, n: benchmark.n, parties: 3, transport: transport,
            seconds: seconds, perSecond: Double(benchmark.n) / seconds, bytesPerParty: bytesPerParty)
    }
}
