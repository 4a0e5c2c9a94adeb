import CairnArithmetic

/// Fixed-point arithmetic: probabilistic truncation and the products built on it.
///
/// A fixed-point value with `f` fractional bits is the ring element `round(v · 2^f)` (see
/// ``FixedPointFormat``). Adding such values is local; a product carries `2f` fractional bits and
/// must be divided by `2^f` again. Dividing each of the three share components by `2^d` locally is
/// wrong: the components wrap around the ring up to twice, and each wrap leaves an error of
/// `2^(64−d)`. The truncation here is instead the share truncation of ABY3 (Mohassel and Rindal,
/// CCS 2018, §5.1.1, Π_trunc1): the replicated sharing is first turned into a 2-out-of-2 sharing
/// between parties 0 and 1, whose two halves each party shifts locally as in SecureML (Mohassel and
/// Zhang, S&P 2017, §4.1, Theorem 1), and the result is re-randomised into a replicated sharing
/// with a mask that parties 1 and 2 draw from their common key.
///
/// Error model shared by every protocol in this file, for a value `x` (read as a signed 64-bit
/// integer) truncated by `d` bits:
/// - the result is `⌊x/2^d⌋ + 1` with probability `(x mod 2^d)/2^d` and `⌊x/2^d⌋` otherwise, so it
///   is within 1 of `x/2^d`, is exact when `2^d` divides `x`, and is unbiased (stochastic rounding);
/// - with probability at most `|x|/2^64` (below `2^(ℓ−64)` when `|x| < 2^ℓ`) it is instead wrong
///   by a multiple of `2^(64−d)`, i.e. meaningless. Keep the values being truncated small: with 16
///   fractional bits a product of two values of magnitude 2^7 is about 2^46 before truncation and
///   fails with probability about 2^−18 per element.
extension Party {
    /// Divides each secret by `2^bits`, rounding stochastically (ABY3 §5.1.1, Π_trunc1 for three
    /// parties).
    ///
    /// Parties 0 and 1 draw a common mask `s`; party 0 holds `a = x_0 + s` and party 1 holds
    /// `b = x_1 + x_2 − s`, a 2-out-of-2 sharing of `x` whose half `a` is uniformly random whatever
    /// the components of `x` are (even for a public sharing). Party 0 computes `y_0 = a >> d` and
    /// party 1 computes `y_1 = −((−b) >> d) − r`, where parties 1 and 2 draw `r = y_2` from their
    /// common key; party 0 sends `y_0` to party 2 and party 1 sends `y_1` to party 0. Party 2 learns
    /// `y_0`, masked by `s`; party 0 learns `y_1`, masked by `r`.
    ///
    /// Result for each element `x` (signed): `⌊x/2^d⌋` or `⌊x/2^d⌋ + 1`, the latter with probability
    /// `(x mod 2^d)/2^d`; exact when `2^d` divides `x`. With probability at most `|x|/2^64` (below
    /// `2^(ℓ−64)` for `|x| < 2^ℓ`) the result is meaningless instead.
    ///
    /// - Parameter bits: the number of bits to shift out, 0 through 63 (0 returns `x` unchanged).
    /// - Throws: ``MPCError/invalidArgument(_:)`` if `bits` is outside 0…63.
    /// - Cost: 1 round; parties 0 and 1 each send 1 word per element, party 2 sends nothing.
    public func truncate(_ x: ArithmeticShared, by bits: Int) async throws -> ArithmeticShared {
        try checkTruncation(bits)
        if bits == 0 { return x }
        let n = x.count
        let half: [UInt64]
        switch index {
        case .zero:
            let mask = sharedWithNext.words(n)  // s, known to party 1
            half = Elementwise.map(x.first, mask, &+)  // x_0 + s
        case .one:
            let mask = sharedWithPrevious.words(n)  // s, known to party 0
            half = Elementwise.map(x.first, x.second, mask) { $0 &+ $1 &- $2 }  // x_1 + x_2 − s
        default:
            half = []
        }
        return try await truncateTwoOutOfTwo(half, count: n, by: bits)
    }

    /// Element-wise product of two sharings, divided by `2^bits` with the same stochastic rounding
    /// as ``truncate(_:by:)``: the truncation is folded into the multiplication's resharing
    /// (ABY3 §5.1.1).
    ///
    /// Each party computes its 3-out-of-3 share `z_i` of the product (cross terms plus a
    /// zero-sharing, as in ``multiply(_:_:)``), so `z_0` is already uniformly random. Party 2 sends
    /// `z_2` to party 1, which now holds `z_1 + z_2`; `(z_0, z_1 + z_2)` is a 2-out-of-2 sharing of
    /// the product, truncated and re-randomised as in ``truncate(_:by:)``. Party 0 sends its shifted
    /// half in the first round, so only party 1's message waits for a second round.
    ///
    /// The product (as a signed integer, before truncation) must be small for the result to be
    /// meaningful: it fails with probability at most `|x·y|/2^64`.
    ///
    /// - Throws: ``MPCError/lengthMismatch(expected:actual:)``; ``MPCError/invalidArgument(_:)`` if
    ///   `bits` is outside 0…63.
    /// - Cost: 2 rounds, 1 word per element sent by each party: the communication of one
    ///   ``multiply(_:_:)``, one round more.
    public func multiply(
        _ x: ArithmeticShared, _ y: ArithmeticShared, truncatingBy bits: Int
    ) async throws -> ArithmeticShared {
        try checkLengths(x, y)
        try checkTruncation(bits)
        if bits == 0 { return try await multiply(x, y) }
        return try await truncatedReshare(crossTerms(x, y), by: bits)
    }

    /// Element-wise product of two fixed-point sharings in `format`: the ring product divided by
    /// `2^f` (ABY3 §5.1.1, multiplication with share truncation).
    ///
    /// For encodings `X = x·2^f` and `Y = y·2^f` the result is `⌊X·Y/2^f⌋` or that plus one
    /// (stochastic rounding, so within 1 unit `2^−f` of `x·y` apart from the inputs' own rounding),
    /// and is meaningless with probability at most `|X·Y|/2^64`, about `|x·y|·2^(2f−64)`; with
    /// `f = 16`, `|x·y| < 2^10` keeps that below 2^−22 per element.
    ///
    /// - Cost: 2 rounds, 1 word per element sent by each party.
    public func multiply(
        _ x: ArithmeticShared, _ y: ArithmeticShared, format: FixedPointFormat
    ) async throws -> ArithmeticShared {
        try await multiply(x, y, truncatingBy: format.fractionalBits)
    }

    /// Multiplies every fixed-point element by a public real constant: a local multiplication by
    /// the constant's encoding `C = round(c·2^f)`, then ``truncate(_:by:)`` by `f` bits.
    ///
    /// The constant is rounded to `f` fractional bits first, so the result is within
    /// `|x|·2^(−f−1) + 2^−f` of `x·c`. Meaningless with probability at most `|X·C|/2^64`.
    ///
    /// - Cost: 1 round; parties 0 and 1 each send 1 word per element, party 2 sends nothing.
    public func multiply(
        _ x: ArithmeticShared, by constant: Double, format: FixedPointFormat
    ) async throws -> ArithmeticShared {
        try await truncate(x * format.encode(constant), by: format.fractionalBits)
    }

    /// Multiplies fixed-point elements by public real constants, element-wise, as the
    /// single-constant form does.
    ///
    /// - Throws: ``MPCError/lengthMismatch(expected:actual:)`` unless there is one constant per
    ///   element.
    /// - Cost: 1 round; parties 0 and 1 each send 1 word per element, party 2 sends nothing.
    public func multiply(
        _ x: ArithmeticShared, by constants: [Double], format: FixedPointFormat
    ) async throws -> ArithmeticShared {
        guard constants.count == x.count else {
            throw MPCError.lengthMismatch(expected: x.count, actual: constants.count)
        }
        return try await truncate(x * format.encode(constants), by: format.fractionalBits)
    }

    /// The fixed-point inner product `Σ_k x[k]·y[k]`, as a sharing of one element.
    ///
    /// The cross terms are summed before one truncation of the sum (ABY3 §5.2 with §5.1.1), so the
    /// sum is rounded once, not per term: the result is within 1 unit `2^−f` of the exact inner
    /// product of the encodings, and is meaningless with probability at most `|Σ X·Y|/2^64`.
    ///
    /// - Cost: 2 rounds, 1 word sent by each party, whatever the length.
    public func dotProduct(
        _ x: ArithmeticShared, _ y: ArithmeticShared, format: FixedPointFormat
    ) async throws -> ArithmeticShared {
        try checkLengths(x, y)
        let sum = crossTerms(x, y).reduce(0, &+)
        if format.fractionalBits == 0 { return try await reshare([sum], as: Arithmetic.self) }
        return try await truncatedReshare([sum], by: format.fractionalBits)
    }

    // MARK: Π_trunc1 steps

    /// Adds a fresh zero-sharing to this party's 3-out-of-3 share `local`, turns the result into a
    /// 2-out-of-2 sharing between parties 0 and 1 (party 2 sends its share to party 1), and
    /// truncates that.
    func truncatedReshare(_ local: [UInt64], by bits: Int) async throws -> ArithmeticShared {
        let n = local.count
        var masked = local
        addZeroSharing(Arithmetic.self, to: &masked)
        switch index {
        case .two:
            try await send(masked, to: .one)
            return try await truncateTwoOutOfTwo([], count: n, by: bits)
        case .one:
            let fromTwo = try await receive(from: .two, count: n)
            return try await truncateTwoOutOfTwo(Elementwise.map(masked, fromTwo, &+), count: n, by: bits)
        default:
            return try await truncateTwoOutOfTwo(masked, count: n, by: bits)
        }
    }

    /// Truncates a 2-out-of-2 sharing held by parties 0 and 1, in which party 0's half is uniformly
    /// random, and returns a replicated sharing of the result (SecureML's local shifts, ABY3's
    /// resharing with a mask `r` that parties 1 and 2 share). Party 2 passes an empty `half`.
    ///
    /// The new components are `y_0 = a >> d` (party 0's half `a`), `y_1 = −((−b) >> d) − r` (party
    /// 1's half `b`) and `y_2 = r`. Both messages go to the sender's previous party.
    private func truncateTwoOutOfTwo(_ half: [UInt64], count n: Int, by bits: Int) async throws -> ArithmeticShared {
        let shift = UInt64(bits)
        switch index {
        case .zero:
            let y0 = Elementwise.map(half) { $0 >> shift }
            try await send(y0, to: .two)
            let y1 = try await receive(from: .one, count: n)
            return ArithmeticShared(party: index, first: y0, second: y1)
        case .one:
            let r = sharedWithNext.words(n)  // y_2, known to party 2
            let y1 = Elementwise.map(half, r) { b, r in 0 &- ((0 &- b) >> shift) &- r }
            try await send(y1, to: .zero)
            return ArithmeticShared(party: index, first: y1, second: r)
        default:
            let r = sharedWithPrevious.words(n)  // y_2, known to party 1
            let y0 = try await receive(from: .zero, count: n)
            return ArithmeticShared(party: index, first: r, second: y0)
        }
    }

    func checkTruncation(_ bits: Int) throws {
        guard (0..<64).contains(bits) else {
            throw MPCError.invalidArgument("a truncation shifts out 0 through 63 bits, not \(bits)")
        }
    }
}
