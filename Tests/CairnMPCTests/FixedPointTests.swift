import CairnArithmetic
import Testing
@testable import CairnMPC

/// `⌊value / 2^bits⌋` for a ring element read as a signed integer.
/// Probabilistic truncation fails with a small probability for random keys (about 3·10⁻⁴ over this
/// file's inputs). Fixed keys make each run's randomness, and so its outcome, the same every time.
private let reproducible = SessionKeys.insecureDeterministic(seed: 2026)

private func floorShift(_ value: UInt64, _ bits: Int) -> Int64 { Int64(bitPattern: value) >> Int64(bits) }

/// `⌊Σ a·b / 2^bits⌋` over signed ring elements, computed without overflow.
private func floorProduct(_ pairs: [(UInt64, UInt64)], _ bits: Int) -> Int64 {
    let sum = pairs.reduce(Int128(0)) { $0 + Int128(Int64(bitPattern: $1.0)) * Int128(Int64(bitPattern: $1.1)) }
    return Int64(sum >> bits)
}

/// Seeded reals, uniform in `range`.
private func randomReals(_ count: Int, in range: ClosedRange<Double>, seed: UInt64) -> [Double] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { _ in Double.random(in: range, using: &generator) }
}

/// The values with `edges` at the front, as many as fit.
private func withEdges<T>(_ values: [T], _ edges: [T]) -> [T] {
    var values = values
    for (i, edge) in edges.prefix(values.count).enumerated() { values[i] = edge }
    return values
}

private let format = FixedPointFormat.default
private let ulp = 1 / format.scale

@Suite("Fixed-point truncation and multiplication")
struct FixedPointTests {
    static let lengths = [0, 1, 65, 200]
    static let shifts = [1, 13, 16, 32]

    @Test("truncation gives ⌊x/2^d⌋ or ⌊x/2^d⌋ + 1", arguments: lengths)
    func truncation(length: Int) async throws {
        let edges: [UInt64] = [0, 1, .max, 1 << 16, 0 &- (1 << 16), (1 << 16) - 1, 0 &- ((1 << 16) - 1), 1 << 40, 0 &- (1 << 40)]
        let values = withEdges(randomSigned(length, bound: 1 << 40, seed: 900 + UInt64(length)), edges)
        let outputs = try await compute(keys: reproducible, [values]) { party, x in
            var results: [ArithmeticShared] = []
            for bits in Self.shifts { results.append(try await party.truncate(x[0], by: bits)) }
            return .concatenating(results)
        }
        for (k, bits) in Self.shifts.enumerated() {
            for (i, value) in values.enumerated() {
                let delta = Int64(bitPattern: outputs[k * length + i]) &- floorShift(value, bits)
                #expect(delta == 0 || delta == 1, "\(Int64(bitPattern: value)) >> \(bits) is off by \(delta)")
            }
        }
    }

    @Test("truncating exact multiples of 2^d is exact", arguments: lengths)
    func exactMultiples(length: Int) async throws {
        for bits in [1, 16, 31] {
            let multiples = randomSigned(length, bound: 1 << (40 - bits), seed: 910 + UInt64(bits))
            let values = withEdges(multiples, [0, 1, .max, 3, 0 &- 3]).map { $0 << UInt64(bits) }
            let output = try await compute(keys: reproducible, [values]) { party, x in try await party.truncate(x[0], by: bits) }
            #expect(output == values.map { UInt64(bitPattern: floorShift($0, bits)) })
        }
    }

    @Test("rounding is stochastic and unbiased: 5.25 rounds up a quarter of the time")
    func unbiasedRounding() async throws {
        let count = 4096
        let x = format.encode(5.25), negated = format.encode(-5.25)
        let values = [UInt64](repeating: x, count: count) + [UInt64](repeating: negated, count: count)
        let output = try await compute(keys: reproducible, [values]) { party, x in try await party.truncate(x[0], by: 16) }
        let results = output.map { Int64(bitPattern: $0) }
        #expect(results[..<count].allSatisfy { $0 == 5 || $0 == 6 })
        #expect(results[count...].allSatisfy { $0 == -6 || $0 == -5 })
        // Binomial(4096, p): standard deviation below 28; allow six of them.
        let up = results[..<count].filter { $0 == 6 }.count
        let upNegative = results[count...].filter { $0 == -5 }.count
        #expect(abs(up - count / 4) < 168, "5.25 rounded up \(up) times of \(count)")
        #expect(abs(upNegative - 3 * count / 4) < 168, "−5.25 rounded up \(upNegative) times of \(count)")
    }

    @Test("sharings with non-random components (public values) truncate correctly")
    func publicSharing() async throws {
        let values = withEdges(randomSigned(100, bound: 1 << 40, seed: 920), [0, .max, 0 &- (1 << 40), 1 << 40])
        let outputs = try await InProcessCluster.run(keys: reproducible) { party in
            let x = ArithmeticShared.public(values, party: party.index)
            return try await party.reveal(try await party.truncate(x, by: 16))
        }
        for output in outputs {
            for (result, value) in zip(output, values) {
                let delta = Int64(bitPattern: result) &- floorShift(value, 16)
                #expect(delta == 0 || delta == 1)
            }
        }
    }

    @Test("truncation by a width outside 0…63 is refused; by 0 is the identity")
    func truncationWidths() async throws {
        for bits in [-1, 64] {
            await #expect(throws: MPCError.self) {
                _ = try await compute(keys: reproducible, [[1, 2]]) { party, x in try await party.truncate(x[0], by: bits) }
            }
        }
        let values = randomElements(5, seed: 930)
        #expect(try await compute(keys: reproducible, [values]) { party, x in try await party.truncate(x[0], by: 0) } == values)
    }

    @Test("fixed-point products match the rounded product within one unit", arguments: lengths)
    func multiply(length: Int) async throws {
        let edgePairs: [(Double, Double)] = [
            (0, 17.5), (1, -3.25), (-1, -1), (1 / 65536, 1 / 65536), (-1 / 65536, 3), (1 / 65536, 1),
            (181, 181), (-100.5, 300.25), (-0.5, 0.5),
        ]
        let a = withEdges(randomReals(length, in: -32...32, seed: 940), edgePairs.map(\.0))
        let b = withEdges(randomReals(length, in: -32...32, seed: 941), edgePairs.map(\.1))
        let x = format.encode(a), y = format.encode(b)
        let output = try await compute(keys: reproducible, [x, y]) { party, v in try await party.multiply(v[0], v[1], format: format) }
        for i in 0..<length {
            let delta = Int64(bitPattern: output[i]) &- floorProduct([(x[i], y[i])], 16)
            #expect(delta == 0 || delta == 1, "\(a[i]) · \(b[i]) is off by \(delta) units")
            // Against the real product: one unit of truncation plus the inputs' encoding error.
            let tolerance = ulp + (abs(a[i]) + abs(b[i])) * ulp / 2 + ulp * ulp / 4
            #expect(abs(format.decode(output[i]) - a[i] * b[i]) <= tolerance)
        }
    }

    @Test("multiplication by public constants", arguments: lengths)
    func constants(length: Int) async throws {
        let constants: [Double] = [0.1, -3.75, 100, 1 / 65536, 0, 1, -1]
        let x = format.encode(withEdges(randomReals(length, in: -8...8, seed: 950), [0, 1, -1, 1 / 65536, -8]))
        let perElement = (0..<length).map { constants[$0 % constants.count] }
        let output = try await compute(keys: reproducible, [x]) { party, v in
            var results: [ArithmeticShared] = []
            for constant in constants { results.append(try await party.multiply(v[0], by: constant, format: format)) }
            results.append(try await party.multiply(v[0], by: perElement, format: format))
            return .concatenating(results)
        }
        for (k, constant) in (constants.map { [Double](repeating: $0, count: length) } + [perElement]).enumerated() {
            for i in 0..<length {
                let c = format.encode(constant[i])
                let delta = Int64(bitPattern: output[k * length + i]) &- floorProduct([(x[i], c)], 16)
                #expect(delta == 0 || delta == 1)
                let real = format.decode(x[i])
                #expect(abs(format.decode(output[k * length + i]) - real * constant[i]) <= ulp + abs(real) * ulp / 2)
            }
        }
    }

    @Test("fixed-point inner products are truncated once", arguments: lengths)
    func dotProduct(length: Int) async throws {
        let x = format.encode(randomReals(length, in: -4...4, seed: 960))
        let y = format.encode(randomReals(length, in: -4...4, seed: 961))
        let output = try await compute(keys: reproducible, [x, y]) { party, v in try await party.dotProduct(v[0], v[1], format: format) }
        let delta = Int64(bitPattern: output[0]) &- floorProduct(Array(zip(x, y)), 16)
        #expect(delta == 0 || delta == 1)
    }

    @Test("words sent: truncation 1 by parties 0 and 1; fused product 1 by each party")
    func communication() async throws {
        let n = 37
        let network = InProcessNetwork()
        let recorders = PartyIndex.all.map { RecordingTransport(network.transport(for: $0)) }
        let received = try await withThrowingTaskGroup(of: (Int, [Int]).self) { group in
            for index in PartyIndex.all {
                group.addTask {
                    let recorder = recorders[index.rawValue]
                    let party = try await Party.connect(over: recorder)
                    let x = ArithmeticShared.public([UInt64](repeating: 3 << 16, count: n), party: index)
                    func drain() -> Int { recorder.received.withLock { words in defer { words.removeAll() }; return words.count } }
                    _ = drain()
                    _ = try await party.truncate(x, by: 16)
                    let afterTruncation = drain()
                    _ = try await party.multiply(x, x, format: format)
                    return (index.rawValue, [afterTruncation, drain()])
                }
            }
            var counts = [[Int]](repeating: [], count: 3)
            for try await (index, words) in group { counts[index] = words }
            return counts
        }
        // Words received after set-up: party 0 from party 1, party 2 from party 0 (truncation); then
        // one word per element into every party (the fused product).
        #expect(received == [[n, n], [0, n], [n, n]])
    }
}

@Suite("Fixed-point division")
struct DivisionTests {
    /// Within `6·2^−f·|q| + 7·2^−f` of the quotient of the encodings, as documented.
    static func tolerance(_ quotient: Double) -> Double { 6 * ulp * abs(quotient) + 7 * ulp }

    /// Divides `x` by `y` (encodings) and checks every element; returns the worst error in units of
    /// the tolerance.
    @discardableResult
    static func check(_ x: [UInt64], _ y: [UInt64], integerBits: Int? = nil) async throws -> Double {
        let output = try await compute(keys: reproducible, [x, y]) { party, v in
            try await party.divide(v[0], by: v[1], format: format, divisorIntegerBits: integerBits)
        }
        var worst = 0.0
        for i in 0..<x.count {
            let expected = format.decode(x[i]) / format.decode(y[i])
            let error = abs(format.decode(output[i]) - expected)
            worst = max(worst, error / tolerance(expected))
            #expect(error <= tolerance(expected), "\(format.decode(x[i])) / \(format.decode(y[i])) = \(expected), got \(format.decode(output[i]))")
        }
        return worst
    }

    /// Divisors `±2^e·s` with `e + (s − 1)` uniform in `exponents`, and numerators `q·y` with `q` uniform in
    /// ±`quotientBound`.
    static func randomPairs(_ count: Int, exponents: ClosedRange<Double>, quotientBound: Double, seed: UInt64) -> ([UInt64], [UInt64]) {
        var generator = SeededGenerator(seed: seed)
        var x: [UInt64] = [], y: [UInt64] = []
        for _ in 0..<count {
            let divisor = Double.random(in: exponents, using: &generator)
            let magnitude = pow2(divisor) * (Bool.random(using: &generator) ? 1 : -1)
            let encoded = format.encode(magnitude)
            y.append(encoded == 0 ? 1 : encoded)
            x.append(format.encode(Double.random(in: -quotientBound...quotientBound, using: &generator) * format.decode(y.last!)))
        }
        return (x, y)
    }

    /// `2^e`·(a significand in [1, 2)), with `e` the integer part of `exponent`.
    static func pow2(_ exponent: Double) -> Double {
        let whole = exponent.rounded(.down)
        return Double(sign: .plus, exponent: Int(whole), significand: 1 + (exponent - whole))
    }

    @Test("random quotients of divisors across the domain", arguments: FixedPointTests.lengths)
    func random(length: Int) async throws {
        let (x, y) = Self.randomPairs(length, exponents: -12...15.99, quotientBound: 64, seed: 1000 + UInt64(length))
        try await Self.check(x, y)
    }

    @Test("edge cases: zero, ±1, powers of two and their neighbours, tiny and large values")
    func edges() async throws {
        var pairs: [(Double, Double)] = [
            (0, 1), (0, 3.5), (0, -1 / 65536), (0, 65535.99998), (1, 1), (-1, 1), (1, -1), (5.5, 1), (-5.5, -1),
            (1 / 65536, 3), (1 / 65536, 1 / 65536), (1 / 64, 1 / 65536), (-1 / 65536, 1 / 65536),
            (1 / 64, -1 / 65536), (-1 / 65536, -1 / 65536), (3 / 65536, -2 / 65536), (1, -65536),
            (30000, 1000), (1_048_576, 32768), (-1000, 65535.99998), (1000, 0.5), (-1000, -65536), (65535, 65535.99998),
            (7, 3), (-7, 3), (1, 3), (2, 3), (100, 7),
        ]
        for k in -16...15 {
            let power = Self.pow2(Double(k))
            for y in [power, power + ulp, power - ulp] where y > 0 {
                pairs.append((1.7 * y, y))
                pairs.append((-0.3 * y, -y))
                pairs.append((0, y))
            }
        }
        let x = pairs.map { format.encode($0.0) }, y = pairs.map { format.encode($0.1) }
        try await Self.check(x, y)
    }

    @Test("quotients are unbiased: no systematic error is left by the Goldschmidt iterations")
    func unbiased() async throws {
        // For y = ±2^k the normalised divisor is exact, so every error left is either stochastic
        // rounding (mean zero) or the iterations' −q·e_0^(2^k). For y = −1 and −1/4 (b = −1,
        // e_0 = 0.0858) and q = 4 that is 0.0003 units with three iterations and 14 with two.
        // Each result's standard deviation is below 4 units, so the mean's is below 0.1.
        let count = 2048
        for divisor in [-1.0, 1, 8, -0.25] {
            let x = [UInt64](repeating: format.encode(4 * divisor), count: count)
            let y = [UInt64](repeating: format.encode(divisor), count: count)
            let output = try await compute(keys: reproducible, [x, y]) { party, v in try await party.divide(v[0], by: v[1], format: format) }
            let meanError = output.map { format.decode($0) - 4 }.reduce(0, +) / Double(count)
            #expect(abs(meanError) < ulp, "mean error \(meanError / ulp) units for divisor \(divisor)")
        }
    }

    @Test("reciprocals", arguments: [0, 1, 65, 200])
    func reciprocal(length: Int) async throws {
        let edges: [Double] = [1, -1, 2, 0.5, 1 / 1024, -1 / 1024, 3, 65535.99998, -65536, 1024 + ulp, 1024 - ulp]
        var generator = SeededGenerator(seed: 1100 + UInt64(length))
        let divisors = withEdges((0..<length).map { _ in
            Self.pow2(Double.random(in: -10...15.99, using: &generator)) * (Bool.random(using: &generator) ? 1 : -1)
        }, edges)
        let y = format.encode(divisors)
        let output = try await compute(keys: reproducible, [y]) { party, v in try await party.reciprocal(v[0], format: format) }
        for i in 0..<length {
            let expected = 1 / format.decode(y[i])
            #expect(abs(format.decode(output[i]) - expected) <= Self.tolerance(expected), "1 / \(format.decode(y[i]))")
        }
    }

    @Test("a wider divisor domain: divisorIntegerBits 24")
    func widerDomain() async throws {
        let y = format.encode([1_000_000, -8_388_607.5, 70000, 1, 1 / 65536, 3])
        let x = format.encode([5_000_000, 1_000_000, -70000 * 7.25, 2.5, 1 / 4096, -300])
        try await Self.check(x, y, integerBits: 24)
    }

    @Test("unsupported formats and domains are refused")
    func refused() async throws {
        for (fractionalBits, integerBits) in [(2, 2), (31, 16), (16, 60), (16, -1)] {
            await #expect(throws: MPCError.self) {
                _ = try await compute(keys: reproducible, [[1], [1]]) { party, v in
                    try await party.divide(v[0], by: v[1], format: FixedPointFormat(fractionalBits: fractionalBits), divisorIntegerBits: integerBits)
                }
            }
        }
        await #expect(throws: MPCError.lengthMismatch(expected: 2, actual: 1)) {
            _ = try await compute(keys: reproducible, [[1, 2], [1]]) { party, v in try await party.divide(v[0], by: v[1], format: format) }
        }
    }

    @Test("the Goldschmidt iteration count gives full precision")
    func iterations() {
        #expect(Party.goldschmidtIterations(fractionalBits: 16) == 3)
        #expect(Party.goldschmidtIterations(fractionalBits: 8) == 2)
        // 0.0858^(2^k) is below 2^−(f+1) for the chosen k, and not for k − 1.
        for f in 4...30 {
            let k = Party.goldschmidtIterations(fractionalBits: f)
            var error = 0.0858, previous = 1.0
            for _ in 0..<k { previous = error; error *= error }
            let target = 1 / Double(1 << (f + 1))
            #expect(error < target)
            #expect(k == 1 || previous >= target)
        }
    }
}
