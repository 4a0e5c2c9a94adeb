/// From secret bits to secret ring elements, and selecting with them.
extension Party {
    /// Arithmetic sharings of secret bits: each element becomes 0 or 1 in Z/2^64 (bit injection).
    ///
    /// A boolean-shared bit is `b = b_0 ⊕ b_1 ⊕ b_2`, and each component `b_j` is already an
    /// arithmetic sharing of itself (held as a component by the two parties that know it). Two
    /// multiplications fold them with `a ⊕ c = a + c − 2ac` (ABY3 §5.4, "bit injection").
    ///
    /// - Cost: 2 rounds, 2 words per element sent by each party.
    public func arithmetic(_ bits: SharedBits) async throws -> ArithmeticShared {
        let words = bits.unpacked()
        let low = words & 1
        let zeros = [UInt64](repeating: 0, count: bits.count)
        func component(_ j: PartyIndex) -> ArithmeticShared {
            ArithmeticShared(
                party: index,
                first: index == j ? low.first : zeros,
                second: index.next == j ? low.second : zeros)
        }
        let b0 = component(.zero), b1 = component(.one), b2 = component(.two)
        let x = b0 + b1 - (try await multiply(b0, b1)) * 2
        return x + b2 - (try await multiply(x, b2)) * 2
    }

    /// `condition ? ifTrue : ifFalse`, element-wise: `ifFalse + c·(ifTrue − ifFalse)` with `c` the
    /// injected bit (the multiplexer of ABY3 §5.4).
    ///
    /// - Cost: 3 rounds, 3 words per element sent by each party.
    public func select(
        _ condition: SharedBits, _ ifTrue: ArithmeticShared, _ ifFalse: ArithmeticShared
    ) async throws -> ArithmeticShared {
        try checkLengths(ifTrue, ifFalse)
        guard condition.count == ifTrue.count else {
            throw MPCError.lengthMismatch(expected: ifTrue.count, actual: condition.count)
        }
        let c = try await arithmetic(condition)
        return ifFalse + (try await multiply(c, ifTrue - ifFalse))
    }
}
