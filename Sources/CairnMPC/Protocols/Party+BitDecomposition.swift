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
        try await mostSignificantBits(of: [x])[0]
    }

    /// The sign bits of several vectors at once, in the rounds that one vector takes.
    ///
    /// Each part is padded to whole blocks of 64 elements, so each result is a slice of whole
    /// words of the combined result.
    ///
    /// - Cost: as ``mostSignificantBits(_:)`` on all the elements together.
    public func mostSignificantBits(of parts: [ArithmeticShared]) async throws -> [SharedBits] {
        let partBlocks = parts.map { ($0.count + 63) / 64 }
        let blocks = partBlocks.reduce(0, +)
        if blocks == 0 { return parts.map { _ in SharedBits(words: .zeros(count: 0, party: index), count: 0) } }
        // s = x_0 ⊕ x_1 ⊕ x_2 has this party's components themselves, bit-sliced.
        let sum = BooleanShared(
            party: index,
            first: BitMatrix.planes(ofParts: parts.map(\.first)), second: BitMatrix.planes(ofParts: parts.map(\.second)))
        let majority = try await carrySaveMajority(first: sum.first, second: sum.second, count: 63 * blocks)

        // Adding s + 2m: at bit j the operands are u_j = s_j and v_j = m_{j−1} (j = 1…62; bit 0
        // generates no carry). Group t of the tree covers bit t + 1 at first.
        var groups = 62
        var generate = try await andGates(count: groups * blocks) { out in
            for k in 0..<(groups * blocks) {
                out[k] = Self.andTerm(sum.first[blocks + k], sum.second[blocks + k], majority.first[k], majority.second[k])
            }
        }
        func xorShifted(_ u: [UInt64], _ v: [UInt64]) -> [UInt64] {
            [UInt64](unsafeUninitializedCapacity: groups * blocks) { out, initialized in
                for k in 0..<(groups * blocks) { out[k] = u[blocks + k] ^ v[k] }
                initialized = groups * blocks
            }
        }
        var propagate = BooleanShared(
            party: index, first: xorShifted(sum.first, majority.first), second: xorShifted(sum.second, majority.second))

        // Fold adjacent groups: (G, P)_high ∘ (G, P)_low = (G_h ⊕ P_h ∧ G_l, P_h ∧ P_l).
        while groups > 1 {
            let pairs = groups / 2, half = pairs * blocks
            let (g, p) = (generate, propagate)
            // Propagate products first, so that they become the next level's P by truncation.
            var products = try await andGates(count: 2 * half) { out in
                for t in 0..<pairs {
                    let high = (2 * t + 1) * blocks, low = 2 * t * blocks, target = t * blocks
                    for b in 0..<blocks {
                        let (p0, p1) = (p.first[high + b], p.second[high + b])
                        out[target + b] = Self.andTerm(p0, p1, p.first[low + b], p.second[low + b])
                        out[half + target + b] = Self.andTerm(p0, p1, g.first[low + b], g.second[low + b])
                    }
                }
            }
            func combine(_ high: (Int) -> UInt64, _ product: [UInt64], _ carried: [UInt64]) -> [UInt64] {
                var words = [UInt64](unsafeUninitializedCapacity: half) { out, initialized in
                    for t in 0..<pairs {
                        for b in 0..<blocks { out[t * blocks + b] = high((2 * t + 1) * blocks + b) ^ product[half + t * blocks + b] }
                    }
                    initialized = half
                }
                if groups % 2 == 1 { words += carried[((groups - 1) * blocks)..<(groups * blocks)] }
                return words
            }
            generate = BooleanShared(
                party: index,
                first: combine({ g.first[$0] }, products.first, g.first),
                second: combine({ g.second[$0] }, products.second, g.second))
            products.first.removeLast(half)
            products.second.removeLast(half)
            if groups % 2 == 1 {
                products.first += p.first[((groups - 1) * blocks)..<(groups * blocks)]
                products.second += p.second[((groups - 1) * blocks)..<(groups * blocks)]
            }
            propagate = products
            groups = (groups + 1) / 2
        }
        // Bit 63 of s + 2m is s_63 ⊕ m_62 ⊕ (carry into bit 63).
        let signs = sum[(63 * blocks)..<(64 * blocks)] ^ majority[(62 * blocks)..<(63 * blocks)] ^ generate
        var offset = 0
        return zip(parts, partBlocks).map { part, count in
            defer { offset += count }
            return SharedBits(words: signs[offset..<(offset + count)], count: part.count)
        }
    }

    /// This party's 3-out-of-3 share of `x ∧ y` from its components of each: `x_i ∧ y_i ⊕
    /// x_i ∧ y_{i+1} ⊕ x_{i+1} ∧ y_i`, with one AND saved by distributivity.
    @inline(__always)
    static func andTerm(_ x0: UInt64, _ x1: UInt64, _ y0: UInt64, _ y1: UInt64) -> UInt64 {
        (x0 & (y0 ^ y1)) ^ (x1 & y0)
    }

    /// AND gates whose local terms `fill` writes (see ``andTerm(_:_:_:_:)``), masked with a
    /// zero-sharing and reshared: lets a circuit read its operands in place instead of gathering
    /// them into new vectors first.
    ///
    /// - Cost: 1 round, `count` words sent by each party.
    func andGates(count: Int, fill: (UnsafeMutableBufferPointer<UInt64>) -> Void) async throws -> BooleanShared {
        var local = [UInt64](unsafeUninitializedCapacity: count) { out, initialized in
            fill(out)
            initialized = count
        }
        addZeroSharing(Boolean.self, to: &local)
        return try await reshare(masked: local, as: Boolean.self)
    }

    /// `maj(x_0, x_1, x_2)` bit by bit for the first `count` words, where this party holds
    /// `first = x_i` and `second = x_{i+1}` of the three words (or bit planes) being added.
    ///
    /// `maj(a, b, c) = ((a ⊕ c) ∧ (b ⊕ c)) ⊕ c`, with the boolean sharings of the single components
    /// formed locally: party `i` holds `x_i` of the sharing of `x_i` and `x_{i+1}` of the sharing
    /// of `x_{i+1}`, and zeros elsewhere. Written out per party, the AND's local term is `F ∧ S`
    /// (parties 0 and 1) or `F ∧ ¬S` (party 2), and `c` contributes `(0, 0)`, `(0, S)`, `(F, 0)`.
    ///
    /// - Cost: 1 round, 1 word per input word sent by each party.
    func carrySaveMajority(first: [UInt64], second: [UInt64], count: Int? = nil) async throws -> BooleanShared {
        let count = count ?? first.count
        let party = index
        let product = try await andGates(count: count) { out in
            first.withUnsafeBufferPointer { f in
                second.withUnsafeBufferPointer { s in
                    if party == .two {
                        for k in 0..<count { out[k] = f[k] & ~s[k] }
                    } else {
                        for k in 0..<count { out[k] = f[k] & s[k] }
                    }
                }
            }
        }
        switch party {
        case .zero: return product
        case .one: return BooleanShared(party: party, first: product.first, second: Elementwise.map(product.second, Array(second[0..<count]), ^))
        default: return BooleanShared(party: party, first: Elementwise.map(product.first, Array(first[0..<count]), ^), second: product.second)
        }
    }
}
