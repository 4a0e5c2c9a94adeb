import CairnArithmetic

/// Comparisons of secret ring elements, read as signed (two's-complement) or unsigned 64-bit
/// integers, and equality tests. Results are packed secret bits.
///
/// Order comparisons come from sign bits (ABY3 §5.3): `a < b` is the sign of `d = a − b` unless the
/// subtraction overflows, which can happen only when `a` and `b` have different signs, and then
/// `a < b` is the sign of `a`. Hence `a < b = d₆₃ ⊕ ((a₆₃ ⊕ b₆₃) ∧ (a₆₃ ⊕ d₆₃))`, exact over the
/// whole range at the price of the operands' sign bits, which one batched
/// ``mostSignificantBits(_:)`` computes alongside `d₆₃` in the same rounds.
extension Party {
    /// `x < y` element-wise, reading elements as signed integers; exact over the whole `Int64`
    /// range (`Int64.min < Int64.max` although `Int64.min − Int64.max` overflows).
    ///
    /// The sign bits of `x − y`, `x` and `y` come from one ``mostSignificantBits(_:)`` on 3n
    /// elements, then one AND on packed bits corrects for overflow.
    ///
    /// - Cost: 9 rounds; 3·247 + 1 words per 64 elements (about 11.6 words, 93 bytes, per
    ///   element) sent by each party.
    public func lessThan(_ x: ArithmeticShared, _ y: ArithmeticShared) async throws -> SharedBits {
        try checkLengths(x, y)
        let signs = try await signBits(of: [x - y, x, y])
        return try await lessThan(signs: signs[1], signs[2], difference: signs[0])
    }

    /// `x > y` element-wise, signed: ``lessThan(_:_:)-(ArithmeticShared,ArithmeticShared)`` with
    /// the operands swapped.
    ///
    /// - Cost: as ``lessThan(_:_:)-(ArithmeticShared,ArithmeticShared)``.
    public func greaterThan(_ x: ArithmeticShared, _ y: ArithmeticShared) async throws -> SharedBits {
        try await lessThan(y, x)
    }

    /// `x ≤ y` element-wise, signed: the complement of `y < x`.
    ///
    /// - Cost: as ``lessThan(_:_:)-(ArithmeticShared,ArithmeticShared)``.
    public func lessThanOrEqual(_ x: ArithmeticShared, _ y: ArithmeticShared) async throws -> SharedBits {
        ~(try await lessThan(y, x))
    }

    /// `x ≥ y` element-wise, signed: the complement of `x < y`.
    ///
    /// - Cost: as ``lessThan(_:_:)-(ArithmeticShared,ArithmeticShared)``.
    public func greaterThanOrEqual(_ x: ArithmeticShared, _ y: ArithmeticShared) async throws -> SharedBits {
        ~(try await lessThan(x, y))
    }

    /// `x < y` element-wise, reading elements as unsigned integers.
    ///
    /// Adding `2^63` to both operands (a public constant, free) maps unsigned order onto signed
    /// order, so this is the signed comparison of `x + 2^63` and `y + 2^63`.
    ///
    /// - Cost: as ``lessThan(_:_:)-(ArithmeticShared,ArithmeticShared)``.
    public func lessThanUnsigned(_ x: ArithmeticShared, _ y: ArithmeticShared) async throws -> SharedBits {
        try checkLengths(x, y)
        return try await lessThan(x + Self.signBit, y + Self.signBit)
    }

    /// `x < constant` element-wise, signed, for a public constant.
    ///
    /// The constant's sign is public, so only the sign bits of `x` and `x − constant` are computed.
    ///
    /// - Cost: 9 rounds; 2·247 + 1 words per 64 elements (about 7.7 words, 62 bytes, per element)
    ///   sent by each party.
    public func lessThan(_ x: ArithmeticShared, _ constant: Int64) async throws -> SharedBits {
        let signs = try await signBits(of: [x - Ring64.element(constant), x])
        return try await lessThan(signs: signs[1], publicSigns(of: constant, count: x.count), difference: signs[0])
    }

    /// `x > constant` element-wise, signed, for a public constant: `constant < x`, from the sign
    /// bits of `x` and `constant − x`.
    ///
    /// - Cost: as ``lessThan(_:_:)-(ArithmeticShared,Int64)``.
    public func greaterThan(_ x: ArithmeticShared, _ constant: Int64) async throws -> SharedBits {
        let signs = try await signBits(of: [-x + Ring64.element(constant), x])
        return try await lessThan(signs: publicSigns(of: constant, count: x.count), signs[1], difference: signs[0])
    }

    /// `x ≤ constant` element-wise, signed: the complement of `x > constant`.
    ///
    /// - Cost: as ``lessThan(_:_:)-(ArithmeticShared,Int64)``.
    public func lessThanOrEqual(_ x: ArithmeticShared, _ constant: Int64) async throws -> SharedBits {
        ~(try await greaterThan(x, constant))
    }

    /// `x ≥ constant` element-wise, signed: the complement of `x < constant`.
    ///
    /// - Cost: as ``lessThan(_:_:)-(ArithmeticShared,Int64)``.
    public func greaterThanOrEqual(_ x: ArithmeticShared, _ constant: Int64) async throws -> SharedBits {
        ~(try await lessThan(x, constant))
    }

    /// `x == y` element-wise.
    ///
    /// The parties test `d = x − y` for zero. Party 0 holds `d_0` and `d_1`, so it knows
    /// `A = d_0 + d_1`; parties 1 and 2 both hold `d_2`, so they know `B = −d_2`, which is a boolean
    /// sharing of itself placed as component 2, with no communication. `d = 0` exactly when
    /// `A = B`, that is when the word `A ⊕ B` is zero: the two-input trick of ABY3 §5.3 (one party
    /// inputs the sum of the components it knows), with XOR instead of an adder. Party 0 inputs `A`
    /// (``shareToNext(_:from:count:)``, one word), the parties XOR in `B` and complement, transpose
    /// their components to bit planes (linear over XOR), and AND the 64 planes in a binary tree: the
    /// last plane holds the 64 results of each block, already packed.
    ///
    /// Security (one semi-honest corruption): party 1 receives `A ⊕ t` with `t` from the key of
    /// parties 0 and 2, which is pseudorandom to it; parties 0 and 2 receive nothing in that round.
    /// Every later message is an AND resharing, masked by a fresh zero-sharing, and the result is
    /// the output of an AND. So each party's view is uniformly random.
    ///
    /// - Cost: 7 rounds; party 0 sends 1 + 63/64 words per element (about 16 bytes), parties 1
    ///   and 2 send 63/64 of a word per element (63 words per 64 elements).
    public func equal(_ x: ArithmeticShared, _ y: ArithmeticShared) async throws -> SharedBits {
        try checkLengths(x, y)
        return try await isZero(x - y)
    }

    /// `x == constant` element-wise, for a public constant.
    ///
    /// - Cost: as ``equal(_:_:)-(ArithmeticShared,ArithmeticShared)``.
    public func equal(_ x: ArithmeticShared, _ constant: UInt64) async throws -> SharedBits {
        try await isZero(x - constant)
    }

    // MARK: Building blocks

    /// `2^63`: the sign bit, and the offset that maps unsigned onto signed order.
    private static var signBit: UInt64 { 1 << 63 }

    /// `a < b` (signed) from the sign bits of `a`, `b` and `d = a − b`:
    /// `d ⊕ ((a ⊕ b) ∧ (a ⊕ d))`, which is `d` when the signs agree and `a` when they differ.
    ///
    /// - Cost: 1 round, ⌈n/64⌉ words sent by each party.
    private func lessThan(signs a: SharedBits, _ b: SharedBits, difference d: SharedBits) async throws -> SharedBits {
        try await and(a ^ b, a ^ d) ^ d
    }

    /// The sign bits of each of `parts` (all of one length), from one ``mostSignificantBits(_:)``
    /// on their concatenation.
    ///
    /// - Cost: as ``mostSignificantBits(_:)`` on all the elements.
    private func signBits(of parts: [ArithmeticShared]) async throws -> [SharedBits] {
        try await mostSignificantBits(of: parts)
    }

    /// `count` copies of the public sign bit of `constant`, packed.
    private func publicSigns(of constant: Int64, count: Int) -> SharedBits {
        let words = [UInt64](repeating: constant < 0 ? .max : 0, count: (count + 63) / 64)
        return SharedBits(words: .public(words, party: index), count: count)
    }

    /// Whether each element of `d` is zero: the protocol of
    /// ``equal(_:_:)-(ArithmeticShared,ArithmeticShared)``.
    private func isZero(_ d: ArithmeticShared) async throws -> SharedBits {
        let n = d.count
        if n == 0 { return SharedBits(words: .zeros(count: 0, party: index), count: 0) }
        let a = index == .zero ? Elementwise.map(d.first, d.second, &+) : nil
        var e = try await shareToNext(a, from: .zero, count: n)  // components (t, A ⊕ t, 0)
        switch index {
        case .one: e.second = Elementwise.map(e.second, d.second) { $0 ^ (0 &- $1) }
        case .two: e.first = Elementwise.map(e.first, d.first) { $0 ^ (0 &- $1) }
        default: break
        }
        let complement = ~e  // all ones exactly where d = 0
        var planes = BooleanShared(
            party: index, first: BitMatrix.planes(of: complement.first), second: BitMatrix.planes(of: complement.second))
        let blocks = (n + 63) / 64
        var width = 32 * blocks  // the words in each half of the remaining planes
        while width >= blocks {
            planes = try await and(planes[0..<width], planes[width..<(2 * width)])
            width /= 2
        }
        return SharedBits(words: planes, count: n)
    }
}
