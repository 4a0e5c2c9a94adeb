/// From boolean to arithmetic sharing: ring elements from the bits that make them up.
extension Party {
    /// Arithmetic sharings of the words that `x` shares bit-wise: boolean-to-arithmetic
    /// conversion, exact for all 64 bits (ABY3 §5.3, "bit composition").
    ///
    /// The arithmetic components are drawn first and the boolean circuit computes what is left:
    /// parties 0 and 1 draw `r_1` from the key they share and parties 1 and 2 draw `r_2` from
    /// theirs. Party 1, which knows both, inputs `s = −r_1 − r_2` (``shareToNext(_:from:count:)``,
    /// one word); the Kogge–Stone adder ``add(_:_:)`` gives a boolean sharing of
    /// `y = x + s = x − r_1 − r_2`, and `y` is revealed to parties 0 and 2 only, each sending the
    /// other the component it lacks. Then `(y, r_1, r_2)` are components of `x`: party 0 holds
    /// `(y, r_1)`, party 1 holds `(r_1, r_2)` and party 2 holds `(r_2, y)`.
    ///
    /// Because one party knows the whole mask, the adder has two operands and needs no carry-save
    /// step: the two-input form of ABY3 §5.3, where one party inputs the sum of the components it
    /// knows.
    ///
    /// Security (one semi-honest corruption): party 1 receives only AND messages, each masked by a
    /// fresh zero-sharing, and holds `r_1, r_2`, which are pseudorandom. Party 2 also receives
    /// `s ⊕ t`, masked by `t` from the key of parties 0 and 1. Parties 0 and 2 learn `y` (the
    /// component each receives is determined by `y` and its own two), but `y` is masked by `r_2`,
    /// pseudorandom to party 0, and by `r_1`, pseudorandom to party 2. So each party's view,
    /// including its output components, is uniformly random and independent of `x`.
    ///
    /// - Cost: 9 rounds; 13 words (104 bytes) per element sent by each party.
    public func arithmetic(fromBoolean x: BooleanShared) async throws -> ArithmeticShared {
        let n = x.count
        if n == 0 { return .zeros(count: 0, party: index) }
        var r1: [UInt64] = [], r2: [UInt64] = []  // components 1 and 2 of the result
        switch index {
        case .zero:
            r1 = sharedWithNext.words(n)
        case .one:
            r1 = sharedWithPrevious.words(n)
            r2 = sharedWithNext.words(n)
        default:
            r2 = sharedWithPrevious.words(n)
        }
        let mask = index == .one ? Elementwise.map(r1, r2) { 0 &- $0 &- $1 } : nil
        let y = try await add(x, try await shareToNext(mask, from: .one, count: n))
        // Party 0 lacks y_2 and party 2 lacks y_1: each sends the other the component it lacks.
        switch index {
        case .zero:
            try await send(y.second, to: .two)
            let y2 = try await receive(from: .two, count: n)
            return ArithmeticShared(party: index, first: Elementwise.map(y.first, y.second, y2) { $0 ^ $1 ^ $2 }, second: r1)
        case .one:
            return ArithmeticShared(party: index, first: r1, second: r2)
        default:
            try await send(y.first, to: .zero)
            let y1 = try await receive(from: .zero, count: n)
            return ArithmeticShared(party: index, first: r2, second: Elementwise.map(y.first, y.second, y1) { $0 ^ $1 ^ $2 })
        }
    }

    /// A boolean sharing of `values`, which `owner` alone knows, for use as an operand of further
    /// gates: the owner sends one word per element instead of ``share(_:from:count:as:)``'s two.
    ///
    /// Owner `p` draws `t` from the key it shares with `p − 1` and sends `v ⊕ t` to `p + 1`; the
    /// components are `x_p = t`, `x_{p+1} = v ⊕ t` and `x_{p+2} = 0`. Party `p + 1` sees `v ⊕ t` with
    /// `t` unknown to it, party `p − 1` sees only `t`. The sharing is not uniformly random (one
    /// component is zero), so it must not be output as it is: AND gates re-randomise their outputs
    /// with zero-sharings, and the callers (``equal(_:_:)-(ArithmeticShared,ArithmeticShared)``,
    /// ``arithmetic(fromBoolean:)``) feed it only into them.
    ///
    /// - Cost: 1 round; the owner sends 1 word per element to `p + 1`, the others send nothing.
    func shareToNext(_ values: [UInt64]?, from owner: PartyIndex, count: Int) async throws -> BooleanShared {
        let zeros = [UInt64](repeating: 0, count: count)
        switch index {
        case owner:
            guard let values, values.count == count else {
                throw MPCError.invalidArgument("the owner of an input must pass exactly \(count) values")
            }
            let t = sharedWithPrevious.words(count)
            let masked = Elementwise.map(values, t, ^)
            try await send(masked, to: index.next)
            return BooleanShared(party: index, first: t, second: masked)
        case owner.next:
            return BooleanShared(party: index, first: try await receive(from: owner, count: count), second: zeros)
        default:
            return BooleanShared(party: index, first: zeros, second: sharedWithNext.words(count))
        }
    }
}
