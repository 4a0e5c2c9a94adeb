/// Products of secrets: multiplication over Z/2^64, AND over bits, and inner products.
extension Party {
    /// Element-wise product of two arithmetic sharings.
    ///
    /// Party `i` computes `z_i = x_i·y_i + x_i·y_{i+1} + x_{i+1}·y_i` plus a zero-sharing, a 3-out-
    /// of-3 sharing of `x·y`, and reshares it (Araki et al., CCS 2016, §2.3; ABY3 §2.2).
    ///
    /// - Cost: 1 round, 1 word (8 bytes) per element sent by each party.
    public func multiply(_ x: ArithmeticShared, _ y: ArithmeticShared) async throws -> ArithmeticShared {
        try checkLengths(x, y)
        let masked = withComponents(x, y) { x0, x1, y0, y1 in
            maskedWithZeroSharing(Arithmetic.self, count: x0.count) { k in
                x0[k] &* (y0[k] &+ y1[k]) &+ x1[k] &* y0[k]
            }
        }
        return try await reshare(masked: masked, as: Arithmetic.self)
    }

    /// Element-wise AND of two boolean sharings (64 independent AND gates per word).
    ///
    /// The boolean form of ``multiply(_:_:)``: `z_i = x_i∧y_i ⊕ x_i∧y_{i+1} ⊕ x_{i+1}∧y_i` plus a
    /// zero-sharing (Araki et al., CCS 2016, §2.3).
    ///
    /// - Cost: 1 round, 1 word per element sent by each party.
    public func and(_ x: BooleanShared, _ y: BooleanShared) async throws -> BooleanShared {
        try checkLengths(x, y)
        let masked = withComponents(x, y) { x0, x1, y0, y1 in
            maskedWithZeroSharing(Boolean.self, count: x0.count) { k in
                (x0[k] & (y0[k] ^ y1[k])) ^ (x1[k] & y0[k])
            }
        }
        return try await reshare(masked: masked, as: Boolean.self)
    }

    /// Element-wise OR of two boolean sharings: `x ∨ y = x ⊕ y ⊕ (x ∧ y)`.
    ///
    /// - Cost: as ``and(_:_:)``.
    public func or(_ x: BooleanShared, _ y: BooleanShared) async throws -> BooleanShared {
        try await and(x, y) ^ x ^ y
    }

    /// The inner product `Σ_k x[k]·y[k]`, as a sharing of one element.
    ///
    /// The cross terms are summed locally before resharing, so the whole inner product costs what
    /// one multiplication does (ABY3 §5.2).
    ///
    /// - Cost: 1 round, 1 word sent by each party, whatever the length.
    public func dotProduct(_ x: ArithmeticShared, _ y: ArithmeticShared) async throws -> ArithmeticShared {
        try checkLengths(x, y)
        return try await reshare([crossTerms(x, y).reduce(0, &+)], as: Arithmetic.self)
    }

    /// The inner products of consecutive segments of `segmentLength` elements (the last segment may
    /// be shorter): one result per segment.
    ///
    /// - Cost: 1 round, 1 word per segment sent by each party.
    public func innerProducts(
        _ x: ArithmeticShared, _ y: ArithmeticShared, segmentLength: Int
    ) async throws -> ArithmeticShared {
        try checkLengths(x, y)
        guard segmentLength > 0 else { throw MPCError.invalidArgument("segments need at least one element") }
        let terms = crossTerms(x, y)
        let local = stride(from: 0, to: terms.count, by: segmentLength).map { start in
            terms[start..<min(start + segmentLength, terms.count)].reduce(0, &+)
        }
        return try await reshare(local, as: Arithmetic.self)
    }

    /// This party's 3-out-of-3 share of each product: `x_i·y_i + x_i·y_{i+1} + x_{i+1}·y_i`.
    func crossTerms(_ x: ArithmeticShared, _ y: ArithmeticShared) -> [UInt64] {
        Elementwise.map(x.first, x.second, y.first, y.second) { x0, x1, y0, y1 in
            x0 &* (y0 &+ y1) &+ x1 &* y0
        }
    }

    /// Calls `body` with unsafe views of both operands' components (no bounds or uniqueness checks
    /// in the hot loop).
    @inline(__always)
    func withComponents<S: SharingScheme, Result>(
        _ x: Shared<S>, _ y: Shared<S>,
        _ body: (UnsafeBufferPointer<UInt64>, UnsafeBufferPointer<UInt64>, UnsafeBufferPointer<UInt64>, UnsafeBufferPointer<UInt64>) -> Result
    ) -> Result {
        x.first.withUnsafeBufferPointer { x0 in
            x.second.withUnsafeBufferPointer { x1 in
                y.first.withUnsafeBufferPointer { y0 in
                    y.second.withUnsafeBufferPointer { y1 in body(x0, x1, y0, y1) }
                }
            }
        }
    }

    func checkLengths<A, B>(_ x: Shared<A>, _ y: Shared<B>) throws {
        guard x.count == y.count else { throw MPCError.lengthMismatch(expected: x.count, actual: y.count) }
    }
}
