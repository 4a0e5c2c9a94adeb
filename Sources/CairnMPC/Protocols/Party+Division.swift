import CairnArithmetic

/// Fixed-point division: normalisation of the divisor from its bits, then Goldschmidt iterations.
///
/// The method is that of Catrina and Saxena ("Secure computation with fixed-point numbers",
/// FC 2010, §3.4: Goldschmidt division after normalising the divisor, their `Norm` and `AppRcr`;
/// also MP-SPDZ's `FPDiv`), adapted to replicated sharing over Z/2^64:
///
/// 1. Bits of `y` (``bitDecomposition(_:)``); its sign is bit 63. XOR with the broadcast sign gives
///    `|Y|` for `y ≥ 0` and `|Y| − 1` for `y < 0` (ones' complement, local); bit 0 is forced to one so
///    that the leading-one position `m` always exists. A prefix-OR from the top bit down (shifts and
///    ``or(_:_:)``) sets every bit at and below `m`; XOR with itself shifted right by one leaves
///    the one-hot bit `2^m`.
/// 2. The scale `c = 2^(P−1−m)` (with `P ≥ K = f + I`, the divisor's bit width) as an arithmetic sharing:
///    write `m = L·g + l`; the one-hot bits of `g` and of `l` are parities of masked groups of the
///    one-hot word (XOR-linear, so local), `G + L` bits instead of `K`. Bit injection
///    (``arithmetic(_:)``) turns them and the sign into ring elements, public powers of two combine
///    them into `2^(L(G−1−g))` and `2^(L−1−l)`, and one multiplication gives `c`.
/// 3. Numerator and divisor are multiplied by the same `c` and truncated by `P − f`:
///    `b = y·2^(f−1−m)` has `|b| ∈ [1/2, 1]` and `x' = x·2^(f−1−m)` satisfies `x'/b = x/y`.
/// 4. Goldschmidt iterations from `w_0 = σ·(2.9142 − 2|b|)`, where `σ = ±1` is the sign of `y`
///    (Catrina–Saxena §3.4): `a_0 = x'·w_0`, `e_0 = 1 − b·w_0` (`|e_0| ≤ 0.0858`), then
///    `a_{i+1} = a_i·(1 + e_i)` and `e_{i+1} = e_i²`, so `a_k = (x'/b)·(1 − e_0^(2^k))`; `k` is the
///    least number with `0.0858^(2^k) < 2^−(f+1)` (3 for `f = 16`).
///
/// Scaling the numerator together with the divisor, before the iterations, means that after step 3
/// every value is at most about the quotient (or 2) in magnitude, and no rounding error is
/// amplified by a later shift.
extension Party {
    /// `x / y` element-wise for fixed-point sharings in `format`, for divisors of either sign.
    ///
    /// Domain: `2^−f ≤ |y| < 2^I` where `I = divisorIntegerBits` (default `f`, so `|y| < 65536`
    /// with 16 fractional bits); `y = −2^I` is also accepted. A divisor outside the domain, or
    /// zero, gives a meaningless result and nothing signals it. The quotient must be representable.
    ///
    /// Error: with `f` fractional bits, within `6·2^−f·|x/y| + 7·2^−f` of the quotient of the two
    /// encoded values (about 2^−13.4 relative, plus 7 units, for `f = 16`). Every truncation rounds
    /// by less than one unit: `b` once (relative 2^(1−f)) and each `e_i` once (relative about
    /// 1.1·2^−f each) make up the relative part, with `e_0^(2^k) < 2^−(f+1)`; the numerator `x'`
    /// (at most 2 units after division by `b`) and each of the `k + 1` products `a_i` the absolute
    /// part. The rounding is unbiased, so the errors average out over many elements.
    ///
    /// Failure: every truncation is probabilistic (``truncate(_:by:)``); with `P` the scale
    /// exponent (`P = 2f` for the default domain; in general the least product `L·G ≥ f + I` with
    /// `L + G` minimal) the result is meaningless with probability at most
    /// `2^(P−64)·(1 + |x/y|) + 2^(2f−64)·(2 + (2 + 1.2k)·|x/y|)` per element, about
    /// `2^−32·(3 + 7|x/y|)` for `f = 16`.
    ///
    /// - Throws: ``MPCError/lengthMismatch(expected:actual:)``; ``MPCError/invalidArgument(_:)`` if
    ///   `f` is outside 4…30 or `divisorIntegerBits` is negative or makes `P` exceed 62.
    /// - Cost: for `f = I = 16`, 26 rounds and 54 words per element sent by each party: bit
    ///   decomposition (8 rounds, 13 words), prefix-OR (⌈log₂(f + I)⌉ = 5 rounds, 5 words),
    ///   injection of `G + L + 1 = 13` bits (2 rounds, 26 words), the scale (1 round, 1 word),
    ///   normalisation (2 rounds, 2 words) and `k + 1 = 4` truncated products (8 rounds,
    ///   2 + 2 + 2 + 1 words).
    public func divide(
        _ x: ArithmeticShared, by y: ArithmeticShared, format: FixedPointFormat,
        divisorIntegerBits: Int? = nil
    ) async throws -> ArithmeticShared {
        try checkLengths(x, y)
        return try await quotient(x, y, format: format, divisorIntegerBits: divisorIntegerBits)
    }

    /// `1 / y` element-wise for fixed-point sharings in `format`: ``divide(_:by:format:divisorIntegerBits:)``
    /// with the public numerator 1.
    ///
    /// Domain `2^−f ≤ |y| < 2^I`; the reciprocal must be representable. Error within
    /// `6·2^−f·|1/y| + 7·2^−f`; fails with probability at most
    /// `2^(P−64)·(1 + |1/y|) + 2^(2f−64)·(2 + (2 + 1.2k)·|1/y|)` per element.
    ///
    /// - Cost: as ``divide(_:by:format:divisorIntegerBits:)``.
    public func reciprocal(
        _ y: ArithmeticShared, format: FixedPointFormat, divisorIntegerBits: Int? = nil
    ) async throws -> ArithmeticShared {
        let one = ArithmeticShared.public([UInt64](repeating: format.one, count: y.count), party: index)
        return try await quotient(one, y, format: format, divisorIntegerBits: divisorIntegerBits)
    }

    private func quotient(
        _ x: ArithmeticShared, _ y: ArithmeticShared, format: FixedPointFormat, divisorIntegerBits: Int?
    ) async throws -> ArithmeticShared {
        let f = format.fractionalBits
        let integerBits = divisorIntegerBits ?? f
        guard (4...30).contains(f) else {
            throw MPCError.invalidArgument("division needs 4 through 30 fractional bits, not \(f)")
        }
        guard (0...62).contains(integerBits), ScaleLayout(divisorBits: f + integerBits).exponent <= 62 else {
            throw MPCError.invalidArgument("divisors of \(integerBits) integer bits are out of range for \(f) fractional bits")
        }
        let layout = ScaleLayout(divisorBits: f + integerBits)
        let n = y.count
        if n == 0 { return .zeros(count: 0, party: index) }

        let (scale, negative) = try await divisorScale(y, layout: layout)
        // b = y·2^(f−1−m) with |b| in [1/2, 1]; x' = x·2^(f−1−m), so that x'/b = x/y.
        let normalised = try await multiply(
            .concatenating([y, x]), .concatenating([scale, scale]), truncatingBy: layout.exponent - f)
        let b = normalised[0..<n], numerator = normalised[n..<(2 * n)]

        // w_0 = σ·α − 2b with σ = 1 − 2·negative and α = 2.9142 (Catrina–Saxena §3.4).
        let alpha = format.encode(2.9142)
        let w0 = negative * (0 &- 2 &* alpha) + alpha - b * 2
        let one = format.one
        let first = try await multiply(.concatenating([b, numerator]), .concatenating([w0, w0]), truncatingBy: f)
        var error = -first[0..<n] + one  // e_0 = 1 − b·w_0
        var result = first[n..<(2 * n)]  // a_0 = x'·w_0
        let iterations = Self.goldschmidtIterations(fractionalBits: f)
        for iteration in 1...iterations {
            if iteration == iterations {
                result = try await multiply(result, error + one, truncatingBy: f)
            } else {
                let products = try await multiply(
                    .concatenating([result, error]), .concatenating([error + one, error]), truncatingBy: f)
                result = products[0..<n]
                error = products[n..<(2 * n)]
            }
        }
        return result
    }

    /// The least `k` with `0.0858^(2^k) < 2^−(f+1)`: Goldschmidt iterations for `f` fractional bits.
    static func goldschmidtIterations(fractionalBits f: Int) -> Int {
        // −log₂(max |1 − b·w_0|) over b in [1/2, 1] with w_0 = 2.9142 − 2b.
        var bits = 3.54
        var iterations = 0
        while bits < Double(f + 1) {
            bits *= 2
            iterations += 1
        }
        return max(iterations, 1)
    }

    /// For each divisor `y`: `c = 2^(P−1−m)`, where `m` is the position of the leading one of `|Y|`
    /// (of `|Y| − 1` for negative `y`, with bit 0 forced to one), and the sign bit of `y`, both as
    /// arithmetic sharings.
    ///
    /// - Cost: 8 + ⌈log₂ K⌉ + 2 + 1 rounds; 13 + ⌈log₂ K⌉ + 2(G + L + 1) + 1 words per element.
    private func divisorScale(
        _ y: ArithmeticShared, layout: ScaleLayout
    ) async throws -> (scale: ArithmeticShared, negative: ArithmeticShared) {
        let n = y.count
        let k = layout.divisorBits
        let bits = try await bitDecomposition(y)
        let signs = bits >> 63
        let broadcastSigns = signs.mapComponents { Elementwise.map($0) { 0 &- $0 } }
        let window: UInt64 = k >= 64 ? .max : (1 << UInt64(k)) - 1
        var prefix = ((bits ^ broadcastSigns) & (window & ~1)) ^ 1
        var shift = 1
        while shift < k {
            prefix = try await or(prefix, prefix >> shift)
            shift *= 2
        }
        let leading = prefix ^ (prefix >> 1)  // one-hot: bit m

        func parities(_ mask: UInt64) -> BooleanShared {
            leading.mapComponents { Elementwise.map($0) { UInt64(($0 & mask).nonzeroBitCount & 1) } }
        }
        let selectors = BooleanShared.concatenating(
            layout.groupMasks.map(parities) + layout.positionMasks.map(parities) + [signs])
        let injected = try await arithmetic(SharedBits(packing: selectors))

        let l = layout.groupWidth, g = layout.groups
        var high = ArithmeticShared.zeros(count: n, party: index)
        for group in 0..<g {
            high = high + injected[(group * n)..<((group + 1) * n)] * (1 << UInt64(l * (g - 1 - group)))
        }
        var low = ArithmeticShared.zeros(count: n, party: index)
        for position in 0..<l {
            let start = (g + position) * n
            low = low + injected[start..<(start + n)] * (1 << UInt64(l - 1 - position))
        }
        let negative = injected[((g + l) * n)..<((g + l + 1) * n)]
        return (try await multiply(high, low), negative)
    }
}

/// How the leading-one position `m < K` of a divisor is split as `m = L·g + l` so that
/// `2^(P−1−m) = 2^(L(G−1−g)) · 2^(L−1−l)` with `P = L·G`, injecting `G + L` bits instead of `K`.
struct ScaleLayout {
    /// `K`: the divisor's magnitude has at most this many bits.
    let divisorBits: Int
    /// `L`: positions per group.
    let groupWidth: Int
    /// `G`: the number of groups.
    let groups: Int

    init(divisorBits: Int) {
        self.divisorBits = divisorBits
        var best = (width: divisorBits, groups: 1)
        for width in 1...max(divisorBits, 1) {
            let groups = (divisorBits + width - 1) / width
            if (width + groups, width * groups) < (best.width + best.groups, best.width * best.groups) {
                best = (width, groups)
            }
        }
        groupWidth = best.width
        groups = best.groups
    }

    /// `P = L·G ≥ K`.
    var exponent: Int { groupWidth * groups }

    /// Bit masks selecting each group's positions `L·g ..< L·g + L` below `K`.
    var groupMasks: [UInt64] {
        (0..<groups).map { group in
            (0..<groupWidth).reduce(0) { mask, position in
                let bit = group * groupWidth + position
                return bit < divisorBits ? mask | (1 << UInt64(bit)) : mask
            }
        }
    }

    /// Bit masks selecting position `l` of every group below `K`.
    var positionMasks: [UInt64] {
        (0..<groupWidth).map { position in
            (0..<groups).reduce(0) { mask, group in
                let bit = group * groupWidth + position
                return bit < divisorBits ? mask | (1 << UInt64(bit)) : mask
            }
        }
    }
}
