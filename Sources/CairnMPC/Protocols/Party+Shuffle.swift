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
        try await shuffle(arithmetic: columns, boolean: []).arithmetic
    }

    /// ``shuffle(_:)`` for a table whose columns are arithmetic and boolean sharings: all rows are
    /// permuted together. Each column is masked and re-shared under its own scheme (`y_p =
    /// π_p(x_p ⊕ x_{p+1}) ⊕ R_1 ⊕ R_2` and `y_{p+2} = π_p(x_{p+2}) ⊕ R_2` for boolean columns).
    ///
    /// - Cost: as ``shuffle(_:)``, counting every column.
    func shuffle(
        arithmetic: [ArithmeticShared], boolean: [BooleanShared]
    ) async throws -> (arithmetic: [ArithmeticShared], boolean: [BooleanShared]) {
        guard let rows = arithmetic.first?.count ?? boolean.first?.count else { return ([], []) }
        for count in arithmetic.map(\.count) + boolean.map(\.count) where count != rows {
            throw MPCError.lengthMismatch(expected: rows, actual: count)
        }
        if rows < 2 { return (arithmetic, boolean) }
        var table = (arithmetic: arithmetic, boolean: boolean)
        for pair in PartyIndex.all {
            table = try await shufflePass(table.arithmetic, table.boolean, rows: rows, led: pair)
        }
        return table
    }

    /// One pass of ``shuffle(_:)``: parties `leader` and `leader + 1` permute and re-share to
    /// `leader + 2`. Arithmetic columns come first in each message, boolean columns after them.
    private func shufflePass(
        _ arithmetic: [ArithmeticShared], _ boolean: [BooleanShared], rows: Int, led leader: PartyIndex
    ) async throws -> (arithmetic: [ArithmeticShared], boolean: [BooleanShared]) {
        let split = rows * arithmetic.count, total = rows * (arithmetic.count + boolean.count)
        func table(first: [UInt64], second: [UInt64]) -> (arithmetic: [ArithmeticShared], boolean: [BooleanShared]) {
            (Self.columns(party: index, first: first[..<split], second: second[..<split], rows: rows),
             Self.columns(party: index, first: first[split...], second: second[split...], rows: rows))
        }
        switch index {
        case leader:
            // Holds x_p and x_{p+1}; shares the pass key with the next party.
            let permutation = sharedWithNext.permutation(count: rows)
            let r1 = sharedWithNext.words(total), r2 = sharedWithNext.words(total)
            var message = Self.permuted(arithmetic, by: permutation, leading: true, r1[..<split], r2[..<split])
            message += Self.permuted(boolean, by: permutation, leading: true, r1[split...], r2[split...])
            try await send(message, to: index.previous)
            return table(first: message, second: r1)
        case leader.next:
            // Holds x_{p+1} and x_{p+2}; shares the pass key with the previous party.
            let permutation = sharedWithPrevious.permutation(count: rows)
            let r1 = sharedWithPrevious.words(total), r2 = sharedWithPrevious.words(total)
            var message = Self.permuted(arithmetic, by: permutation, leading: false, r1[..<split], r2[..<split])
            message += Self.permuted(boolean, by: permutation, leading: false, r1[split...], r2[split...])
            try await send(message, to: index.next)
            return table(first: r1, second: message)
        default:
            // Party p + 2: y_p comes from the leader (its next), y_{p+2} from its previous party.
            let fromLeader = try await receive(from: index.next, count: total)
            let fromHelper = try await receive(from: index.previous, count: total)
            return table(first: fromHelper, second: fromLeader)
        }
    }

    /// The permuted, masked rows of `columns`, one column after another. The leader sends
    /// `y_p = π(x_p + x_{p+1}) − R_1 + R_2` for each row; its partner sends `y_{p+2} = π(x_{p+2}) −
    /// R_2` (with `⊕` in place of `+` and `−` for boolean columns).
    private static func permuted<Scheme: SharingScheme>(
        _ columns: [Shared<Scheme>], by permutation: [Int], leading: Bool,
        _ r1: ArraySlice<UInt64>, _ r2: ArraySlice<UInt64>
    ) -> [UInt64] {
        let rows = permutation.count, total = rows * columns.count
        return [UInt64](unsafeUninitializedCapacity: total) { out, initialized in
            permutation.withUnsafeBufferPointer { permutation in
                r1.withUnsafeBufferPointer { r1 in
                    r2.withUnsafeBufferPointer { r2 in
                        for (c, column) in columns.enumerated() {
                            column.first.withUnsafeBufferPointer { first in
                                column.second.withUnsafeBufferPointer { second in
                                    let base = c * rows
                                    if leading {
                                        for k in 0..<rows {
                                            let source = permutation[k]
                                            let value = Scheme.combine(first[source], second[source])
                                            out[base + k] = Scheme.combine(Scheme.remove(r1[base + k], from: value), r2[base + k])
                                        }
                                    } else {
                                        for k in 0..<rows {
                                            out[base + k] = Scheme.remove(r2[base + k], from: second[permutation[k]])
                                        }
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
    private static func columns<Scheme: SharingScheme>(
        party: PartyIndex, first: ArraySlice<UInt64>, second: ArraySlice<UInt64>, rows: Int
    ) -> [Shared<Scheme>] {
        stride(from: 0, to: first.count, by: rows).map { offset in
            let start = first.startIndex + offset, other = second.startIndex + offset
            return Shared(party: party, first: Array(first[start..<(start + rows)]), second: Array(second[other..<(other + rows)]))
        }
    }
}
