import CairnArithmetic

/// From arithmetic to boolean sharing: the bits of secret ring elements.
///
/// Both protocols start the same way (ABY3 §5.3): party `i`'s components `x_i`, `x_{i+1}` are
/// themselves a boolean sharing of `x_0 ⊕ x_1 ⊕ x_2`, and also give, with no communication, boolean
/// sharings of each single component `x_j`. A carry-save step turns `x_0 + x_1 + x_2` into
/// `s + 2m` with `s = x_0 ⊕ x_1 ⊕ x_2` and `m = maj(x_0, x_1, x_2)`; a parallel-prefix adder then
/// adds the two.
extension Party {
    /// Boolean sharings of the bits of each element: arithmetic-to-boolean conversion.
    ///
    /// Carry-save majority, then the Kogge–Stone adder ``add(_:_:)`` on whole words (ABY3 §5.3,
    /// "bit decomposition").
    ///
    /// - Cost: 8 rounds; 13 words (104 bytes) per element sent by each party.
    public func bitDecomposition(_ x: ArithmeticShared) async throws -> BooleanShared {
        let sum = BooleanShared(party: index, first: x.first, second: x.second)
        let carries = try await carrySaveMajority(first: x.first, second: x.second) << 1
        return try await add(sum, carries)
    }

    /// `a + b mod 2^64` of boolean-shared words, as a boolean sharing.
    ///
    /// A Kogge–Stone parallel-prefix adder on whole words: the (generate, propagate) pairs
    /// `(a ∧ b, a ⊕ b)`, then six levels of doubling, then the carries shifted into the sum
    /// (Kogge and Stone 1973; ABY3 §5.3).
    ///
    /// - Cost: 7 rounds; 12 words (96 bytes) per element sent by each party.
    func add(_ a: BooleanShared, _ b: BooleanShared) async throws -> BooleanShared {
        let n = a.count
        var generate = try await and(a, b)
        var propagate = a ^ b
        for shift in [1, 2, 4, 8, 16] {
            let products = try await and(
                .concatenating([propagate, propagate]),
                .concatenating([generate << shift, propagate << shift]))
            generate = generate ^ products[0..<n]
            propagate = products[n..<(2 * n)]
        }
        generate = generate ^ (try await and(propagate, generate << 32))
        return a ^ b ^ (generate << 1)
    }

    /// The most significant bit of each element (the sign, read as two's complement), packed.
    ///
    /// Bit-sliced: each party transposes its components so that one word holds one bit position of
    /// 64 elements, computes the carry-save majority on bit planes 0…62, and folds the
    /// (generate, propagate) pairs of planes 1…62 in a binary tree to the carry into bit 63. Only
    /// the gates that bit 63 depends on are evaluated (Kogge–Stone's tree, as in ABY3 §5.3 but
    /// reduced to one output bit), so each AND gate serves 64 elements.
    ///
    /// - Cost: 8 rounds; 247 words per 64 elements (about 3.9 words, 31 bytes, per element) sent by
    ///   each party, plus local transpositions.
    public func mostSignificantBits(_ x: ArithmeticShared) async throws -> SharedBits {
        let n = x.count
        if n == 0 { return SharedBits(words: .zeros(count: 0, party: index), count: 0) }
        let blocks = (n + 63) / 64
        let sum = BooleanShared(party: index, first: BitMatrix.planes(of: x.first), second: BitMatrix.planes(of: x.second))
        func planes(_ range: Range<Int>, of shared: BooleanShared) -> BooleanShared {
            shared[(range.lowerBound * blocks)..<(range.upperBound * blocks)]
        }
        let low = planes(0..<63, of: sum)
        let majority = try await carrySaveMajority(first: low.first, second: low.second)
        // Adding s + 2m: at bit j the operands are s_j and m_{j−1}; bit 0 generates nothing.
        let u = planes(1..<63, of: sum), v = planes(0..<62, of: majority)
        var groups = 62
        var generate = try await and(u, v)
        var propagate = u ^ v
        while groups > 1 {
            let pairs = groups / 2
            let lows = (0..<pairs).map { 2 * $0 }, highs = (0..<pairs).map { 2 * $0 + 1 }
            func select(_ shared: BooleanShared, _ indices: [Int]) -> BooleanShared {
                .concatenating(indices.map { shared[($0 * blocks)..<(($0 + 1) * blocks)] })
            }
            let highPropagate = select(propagate, highs)
            let products = try await and(
                .concatenating([highPropagate, highPropagate]),
                .concatenating([select(generate, lows), select(propagate, lows)]))
            let width = pairs * blocks
            var nextGenerate = select(generate, highs) ^ products[0..<width]
            var nextPropagate = products[width..<(2 * width)]
            if groups % 2 == 1 {
                nextGenerate = .concatenating([nextGenerate, select(generate, [groups - 1])])
                nextPropagate = .concatenating([nextPropagate, select(propagate, [groups - 1])])
            }
            generate = nextGenerate
            propagate = nextPropagate
            groups = (groups + 1) / 2
        }
        let signPlane = planes(63..<64, of: sum) ^ planes(62..<63, of: majority) ^ generate
        return SharedBits(words: signPlane, count: n)
    }

    /// `maj(x_0, x_1, x_2)` bit by bit, where this party holds `first = x_i` and `second = x_{i+1}`
    /// of the three words (or bit planes) being added.
    ///
    /// `maj(a, b, c) = ((a ⊕ c) ∧ (b ⊕ c)) ⊕ c`, with the boolean sharings of the single components
    /// formed locally: party `i` holds `x_i` of the sharing of `x_i` and `x_{i+1}` of the sharing
    /// of `x_{i+1}`, and zeros elsewhere.
    ///
    /// - Cost: 1 round, 1 word per input word sent by each party.
    func carrySaveMajority(first: [UInt64], second: [UInt64]) async throws -> BooleanShared {
        let zeros = [UInt64](repeating: 0, count: first.count)
        func shared(_ a: [UInt64], _ b: [UInt64]) -> BooleanShared { BooleanShared(party: index, first: a, second: b) }
        let left: BooleanShared, right: BooleanShared, third: BooleanShared
        switch index {
        case .zero:
            (left, right, third) = (shared(first, zeros), shared(zeros, second), shared(zeros, zeros))
        case .one:
            (left, right, third) = (shared(zeros, second), shared(first, second), shared(zeros, second))
        default:
            (left, right, third) = (shared(first, second), shared(first, zeros), shared(first, zeros))
        }
        return try await and(left, right) ^ third
    }
}
