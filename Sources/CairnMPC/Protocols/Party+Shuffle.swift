/// Oblivious shuffling: rearranging secret rows by a permutation that no party knows.
///
/// Three passes, one per pair of neighbouring parties. In each pass the pair turns the replicated
/// sharing into a 2-out-of-2 sharing between themselves, permutes both halves by a permutation drawn
/// from the key they share, and re-shares the result, freshly masked, to the third party. Every
/// party misses the permutation of the one pass it sits out, so the composition is hidden from each
/// of them (the resharing shuffle of Laur, Willemson and Zhang, ISC 2011, in the replicated form
/// used by Mohassel, Rindal and Rosulek, "Fast database joins and PSI for secret shared data",
/// CCS 2020, and by Araki et al., "Secure graph analysis at scale", CCS 2021, §5, whose two-round
/// variant is §5.2).
extension Party {
    /// The rows of a table, permuted by one secret, uniformly random permutation: element `k` of
    /// every output column comes from the same input row `π(k)`.
    ///
    /// Pass `p` (for `p = 0, 1, 2`) involves parties `p` and `p + 1`, which share a key:
    /// - Party `p` holds `A = x_p + x_{p+1}` and party `p + 1` holds `B = x_{p+2}`, a 2-out-of-2
    ///   sharing of each element.
    /// - Both draw the permutation `π_p` and two mask vectors `R_1`, `R_2` from their key.
    /// - The new components are `y_{p+1} = R_1` (known to both), `y_p = π_p(A) − R_1 + R_2`
    ///   (computed by party `p`) and `y_{p+2} = π_p(B) − R_2` (computed by party `p + 1`); they add
    ///   up to `π_p(A + B) = π_p(x)`.
    /// - Both send their component to party `p + 2`, which holds `(y_{p+2}, y_p)` afterwards.
    ///
    /// Party `p + 2` receives `(π_p(A) − R_1 + R_2, π_p(B) − R_2)`: under the masks `(R_1, R_2)`,
    /// which it does not know, the pair is uniformly random whatever the inputs and `π_p`. Parties
    /// `p` and `p + 1` receive nothing in pass `p`. The output is the input permuted by
    /// `π_2 ∘ π_1 ∘ π_0`; each party misses one of the three factors, which is uniform and
    /// independent of everything it sees, so to each party the composed permutation is uniformly
    /// random. All columns travel in one message per sender and pass.
    ///
    /// - Cost: 3 rounds; 2 words per element per column sent by each party in total (one message
    ///   of `n · columns` words in each of the two passes it takes part in).
    /// - Reveals: nothing beyond the number of rows and columns.
    /// - Throws: ``MPCError/lengthMismatch(expected:actual:)`` if the columns differ in length.
    public func shuffle(_ columns: [ArithmeticShared]) async throws -> [ArithmeticShared] {
        guard let rows = columns.first?.count else { return [] }
        for column in columns where column.count != rows {
            throw MPCError.lengthMismatch(expected: rows, actual: column.count)
        }
        if rows < 2 { return columns }
        var table = columns
        for pair in PartyIndex.all {
            table = try await shufflePass(table, rows: rows, led: pair)
        }
        return table
    }

    /// One pass of ``shuffle(_:)``: parties `leader` and `leader + 1` permute and re-share to
    /// `leader + 2`.
    private func shufflePass(
        _ columns: [ArithmeticShared], rows: Int, led leader: PartyIndex
    ) async throws -> [ArithmeticShared] {
        let total = rows * columns.count
        switch index {
        case leader:
            // Holds x_p and x_{p+1}; shares the pass key with the next party.
            let permutation = sharedWithNext.permutation(count: rows)
            let r1 = sharedWithNext.words(total), r2 = sharedWithNext.words(total)
            let message = Self.permuted(columns, by: permutation, masks: r1, r2) { first, second in
                first &+ second
            }
            try await send(message, to: index.previous)
            return Self.columns(party: index, first: message, second: r1, rows: rows)
        case leader.next:
            // Holds x_{p+1} and x_{p+2}; shares the pass key with the previous party.
            let permutation = sharedWithPrevious.permutation(count: rows)
            let r1 = sharedWithPrevious.words(total), r2 = sharedWithPrevious.words(total)
            let message = Self.permuted(columns, by: permutation, masks: nil, r2) { _, second in second }
            try await send(message, to: index.next)
            return Self.columns(party: index, first: r1, second: message, rows: rows)
        default:
            // Party p + 2: y_p comes from the leader (its next), y_{p+2} from its previous party.
            let fromLeader = try await receive(from: index.next, count: total)
            let fromHelper = try await receive(from: index.previous, count: total)
            return Self.columns(party: index, first: fromHelper, second: fromLeader, rows: rows)
        }
    }

    /// The permuted, masked rows, columns one after another: for row `k` of each column,
    /// `value(x_i, x_{i+1})` of row `π[k]`, then `− R_1 + R_2` when `r1` is given (the leader's
    /// `y_p`) or `− R_2` when it is `nil` (its partner's `y_{p+2}`).
    private static func permuted(
        _ columns: [ArithmeticShared], by permutation: [Int], masks r1: [UInt64]?, _ r2: [UInt64],
        value: (UInt64, UInt64) -> UInt64
    ) -> [UInt64] {
        let rows = permutation.count, total = rows * columns.count
        return [UInt64](unsafeUninitializedCapacity: total) { out, initialized in
            permutation.withUnsafeBufferPointer { permutation in
                r2.withUnsafeBufferPointer { r2 in
                    for (c, column) in columns.enumerated() {
                        column.first.withUnsafeBufferPointer { first in
                            column.second.withUnsafeBufferPointer { second in
                                let base = c * rows
                                if let r1 {
                                    r1.withUnsafeBufferPointer { r1 in
                                        for k in 0..<rows {
                                            let source = permutation[k]
                                            out[base + k] = value(first[source], second[source]) &- r1[base + k] &+ r2[base + k]
                                        }
                                    }
                                } else {
                                    for k in 0..<rows {
                                        let source = permutation[k]
                                        out[base + k] = value(first[source], second[source]) &- r2[base + k]
                                    }
                                }
                            }
                        }
                    }
                }
            }
            initialized = total
        }
    }

    /// Splits two component vectors holding columns one after another into sharings.
    private static func columns(party: PartyIndex, first: [UInt64], second: [UInt64], rows: Int) -> [ArithmeticShared] {
        stride(from: 0, to: first.count, by: rows).map { start in
            ArithmeticShared(party: party, first: Array(first[start..<(start + rows)]), second: Array(second[start..<(start + rows)]))
        }
    }
}
