/// Products of secret matrices, for aggregating many contributors' rows at once.
extension Party {
    /// `AᵀB` for secret matrices `A` (`rows × aColumns`) and `B` (`rows × bColumns`), both stored
    /// row-major; the result is `aColumns × bColumns`, row-major: entry `(c, k)` is
    /// `Σ_r A[r, c] · B[r, k]`.
    ///
    /// Every entry is an inner product, so each party sums its cross terms locally and reshares
    /// only the results (ABY3 §5.2, inner products at the cost of one multiplication). With `A` the
    /// contributors' cells and `B` their cohort indicators, this gives every cell's total in every
    /// cohort in one round.
    ///
    /// - Cost: 1 round, `aColumns · bColumns` words sent by each party, whatever `rows` is;
    ///   `O(rows · aColumns · bColumns)` local multiplications.
    public func transposedProduct(
        _ a: ArithmeticShared, columns aColumns: Int, _ b: ArithmeticShared, columns bColumns: Int
    ) async throws -> ArithmeticShared {
        guard aColumns > 0, bColumns > 0, a.count % aColumns == 0, b.count % bColumns == 0,
            a.count / aColumns == b.count / bColumns
        else {
            throw MPCError.invalidArgument(
                "matrices of \(a.count) and \(b.count) elements are not \(aColumns) and \(bColumns) columns wide with equal rows")
        }
        let rows = a.count / aColumns
        var local = [UInt64](repeating: 0, count: aColumns * bColumns)
        let bSum = Elementwise.map(b.first, b.second, &+)
        local.withUnsafeMutableBufferPointer { z in
            withComponents(a, a) { a0, a1, _, _ in
                b.first.withUnsafeBufferPointer { b0 in
                    bSum.withUnsafeBufferPointer { b01 in
                        for r in 0..<rows {
                            let aRow = r * aColumns, bRow = r * bColumns
                            for c in 0..<aColumns {
                                // z_i += a_i (b_i + b_{i+1}) + a_{i+1} b_i
                                let (x0, x1) = (a0[aRow + c], a1[aRow + c])
                                let zRow = c * bColumns
                                for k in 0..<bColumns {
                                    z[zRow + k] = z[zRow + k] &+ x0 &* b01[bRow + k] &+ x1 &* b0[bRow + k]
                                }
                            }
                        }
                    }
                }
            }
        }
        return try await reshare(local, as: Arithmetic.self)
    }
}
