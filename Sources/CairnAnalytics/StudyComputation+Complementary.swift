import CairnArithmetic
import CairnMPC
import CairnStudy

extension StudyComputation {
    /// Each contributor's support value of each table cell (`n × cells`): what makes it count
    /// towards the minimum, its value in magnitude tables (non-zero counts), its presence bit in
    /// the others (filled in counts).
    func support(values: ArithmeticShared, presence: ArithmeticShared, contributors n: Int) -> ArithmeticShared {
        let cells = layout.cellCount
        return ArithmeticShared.concatenating([values, presence]).gathering((0..<n).flatMap { r in
            (0..<cells).map { c in plan.cells[c].isMagnitude ? r * cells + c : n * cells + r * cells + c }
        })
    }

    /// Complementary suppression, the differencing guard: the primary suppression with every
    /// margin cell withheld whose revealed total, minus revealed pieces, would leave a withheld
    /// remainder that could not have been revealed itself.
    ///
    /// The rule, per margin cell `M` and group: for every *partition* of `M` — its table cells,
    /// and each margin family whose cells inside `M` tile it exactly (``StatisticsPlan/levels``)
    /// — the pieces that are withheld form a residual, each withheld piece counted by its
    /// withheld table cells only (its revealed cells are known). Someone holding `M` and the
    /// revealed pieces learns the residual's total. So if the residual is not empty it must pass
    /// the primary rules as if it were a cell: at least `minimumCellSize` contributors (non-zero
    /// ones in magnitude tables), a headcount of at least the minimum, and no dominant
    /// contributor; otherwise `M` is withheld too. Margins are judged level by level, smallest
    /// first, so a margin cell withheld here counts as withheld in the partitions of larger ones.
    ///
    /// Inside MPC, with `F` the injected suppression bits (final for every piece of the level):
    /// the residual's weights are `s_c = F_c · F_piece(c)` per group (secret, public-size); its
    /// total, headcount and emptiness are inner products of the weights with the groups'
    /// totals. Per contributor and its own option of each cohort, `F` of every table cell and
    /// piece comes from one secret matrix product with the indicators (``ownGroup(on:_:columns:indicators:contributors:)``);
    /// its residual is `Σ_pieces F_piece · Σ_{c ∈ piece} F_c · x_c` with `x` its support value
    /// (``support(values:presence:contributors:)``), a multiplication per table cell once and per
    /// piece of a margin partition, and local sums. The residual contributors are zero tests of
    /// those, counted per group (``countPerGroup(on:_:columns:indicators:contributors:)``);
    /// dominance compares them with the clamped residual total
    /// (``dominators(on:values:totals:caps:indicators:contributors:)``).
    ///
    /// - Cost: per contributor and cohort (and all), `2 · cells` words once, then per level about
    ///   `pieces + 10 · partitions` words (pieces of margin partitions, zero tests, injection,
    ///   dominance); so it grows with contributors × partitions, not with cells². About 40 rounds
    ///   per level. Reveals nothing: only the final bits are opened, to the recipient, as before.
    ///
    /// - Seealso: Hundepool et al., *Statistical Disclosure Control* (Wiley 2012), §5.4 on
    ///   secondary (complementary) suppression in linked tables.
    func complementary(
        on party: Party, primary: SharedBits, totals: SecretTotals, support x: ArithmeticShared, indicators: ArithmeticShared,
        contributors n: Int
    ) async throws -> SharedBits {
        guard !plan.levels.isEmpty else { return primary }
        let groups = layout.cohortIndicatorCount + 1, cells = layout.cellCount, size = plan.cells.count * groups
        let cohorts = layout.cohorts.count + 1
        var final = primary
        var injected = try await party.arithmetic(final)
        // Each contributor's own-group suppression of every table cell, times its support value.
        let ownCells = try await ownGroup(
            on: party, injected[0..<(cells * groups)], columns: cells, indicators: indicators, contributors: n)
        let weighted = try await party.multiply(
            ArithmeticShared.concatenating(ownCells), ArithmeticShared.concatenating([ArithmeticShared](repeating: x, count: cohorts)))
        let minimum = definition.statistics.minimumCellSize.map { UInt64(bitPattern: Int64($0)) }

        for level in plan.levels {
            // Group-level weights: one entry per (partition, table cell), s = F_c · F_piece.
            var cellOf: [Int] = [], pieceOf: [Int] = [], partitionOf: [Int] = []
            for (p, partition) in level.enumerated() {
                for piece in partition.parts {
                    for c in piece.baseCells {
                        cellOf.append(c)
                        pieceOf.append(piece.cell)
                        partitionOf.append(p)
                    }
                }
            }
            let entries = cellOf.count, count = level.count
            func perGroup(_ list: [Int]) -> [Int] { list.flatMap { e in (0..<groups).map { e * groups + $0 } } }
            let weights = try await party.multiply(injected.gathering(perGroup(cellOf)), injected.gathering(perGroup(pieceOf)))
            let weighted2 = try await party.multiply(
                ArithmeticShared.concatenating([weights, weights]),
                ArithmeticShared.concatenating([totals.sums.gathering(perGroup(cellOf)), totals.headcounts.gathering(perGroup(cellOf))]))
            var members = [[Int]](repeating: [], count: count)
            for (q, p) in partitionOf.enumerated() { members[p].append(q) }
            func partitionSums(_ v: ArithmeticShared) -> ArithmeticShared {
                Self.rowSums(v, width: entries * groups, rows: 1, of: members.flatMap { qs in (0..<groups).map { g in qs.map { $0 * groups + g } } })
            }
            let nonemptySums = partitionSums(weights)
            let residualTotals = partitionSums(weighted2[0..<(entries * groups)])
            let residualHeadcounts = partitionSums(weighted2[(entries * groups)..<(2 * entries * groups)])

            // Per contributor and cohort: the residual Σ_pieces F_piece · Σ_{c ∈ piece} F_c·x_c.
            let marginPieces = Array(Set(level.flatMap { $0.parts.map(\.cell) }.filter { $0 >= cells })).sorted()
            var column: [Int: Int] = [:]
            for (i, e) in marginPieces.enumerated() { column[e] = i }
            let ownPieces = try await ownGroup(
                on: party, injected.gathering(perGroup(marginPieces)), columns: marginPieces.count, indicators: indicators,
                contributors: n)
            // Pieces of margin partitions: (partition, piece) pairs.
            let pairs = level.enumerated().flatMap { p, partition in partition.parts.compactMap { column[$0.cell] == nil ? nil : (p, $0) } }
            var residuals: [ArithmeticShared] = []
            for j in 0..<cohorts {
                let w = weighted[(j * n * cells)..<((j + 1) * n * cells)]
                let pieceSums = Self.rowSums(w, width: cells, rows: n, of: pairs.map { $0.1.baseCells })
                let pieceFlags = ownPieces[j].gathering((0..<n).flatMap { r in pairs.map { r * marginPieces.count + column[$0.1.cell]! } })
                let products = pairs.isEmpty ? pieceSums : try await party.multiply(pieceFlags, pieceSums)
                // Base partitions sum w directly (F_c · F_c = F_c); margin partitions sum the products.
                var basePieces: [[Int]] = [], pairPieces = [[Int]](repeating: [], count: count)
                for (i, pair) in pairs.enumerated() { pairPieces[pair.0].append(i) }
                for partition in level { basePieces.append(partition.parts.allSatisfy { $0.cell < cells } ? partition.parts.map(\.cell) : []) }
                let fromBase = Self.rowSums(w, width: cells, rows: n, of: basePieces)
                let fromPairs = Self.rowSums(products, width: pairs.count, rows: n, of: pairPieces)
                residuals.append(fromBase + fromPairs)
            }
            let nonzero = n == 0
                ? ArithmeticShared.zeros(count: 0, party: party.index)
                : try await party.arithmetic(~(try await party.equal(ArithmeticShared.concatenating(residuals), 0)))
            let supportCounts = try await countPerGroup(
                on: party, (0..<cohorts).map { j in nonzero[(j * n * count)..<((j + 1) * n * count)] }, columns: count,
                indicators: indicators, contributors: n)

            // Fails the primary rules: too few, too few employees, or dominated.
            let zeros = ArithmeticShared.zeros(count: count * groups, party: party.index)
            var tests: [ArithmeticShared] = [zeros - nonemptySums]
            if let minimum {
                let headcounts = ArithmeticShared.concatenating([residualHeadcounts, zeros + minimum]).gathering(
                    level.indices.flatMap { p in
                        (0..<groups).map { g in plan.cells[level[p].margin].headcount == nil ? count * groups + p * groups + g : p * groups + g }
                    })
                tests += [supportCounts - minimum, headcounts - minimum]
            }
            let dominance = level.indices.filter { plan.cells[level[$0].margin].checksDominance }
            if plan.dominance != nil, !dominance.isEmpty {
                let caps = try dominanceCaps(dominance.map { level[$0].margin })
                let dominated = try await dominators(
                    on: party,
                    values: residuals.map { r in r.gathering((0..<n).flatMap { row in dominance.map { row * count + $0 } }) },
                    totals: residualTotals.gathering(perGroup(dominance)), caps: caps, indicators: indicators, contributors: n)
                var scatter = [Int](repeating: count * groups, count: count * groups)
                for (i, p) in dominance.enumerated() {
                    for g in 0..<groups { scatter[p * groups + g] = count * groups + 1 + i * groups + g }
                }
                tests.append(zeros - ArithmeticShared.concatenating([zeros, .zeros(count: 1, party: party.index), dominated]).gathering(scatter))
            }
            let signs = try await party.mostSignificantBits(of: tests)
            var fails = tests.count > 1 ? signs[1] : SharedBits.public([Bool](repeating: false, count: count * groups), party: party.index)
            for other in signs.dropFirst(2) { fails = try await party.or(fails, other) }
            let violation = try await party.and(signs[0], fails)

            // A margin cell is withheld when any of its partitions is violated.
            let violated = try await party.arithmetic(violation)
            var byMargin: [Int: [Int]] = [:]
            for (p, partition) in level.enumerated() { byMargin[partition.margin, default: []].append(p) }
            let sums = Self.rowSums(
                violated, width: count * groups, rows: 1,
                of: plan.cells.indices.flatMap { e in (0..<groups).map { g in (byMargin[e] ?? []).map { $0 * groups + g } } })
            let withheld = try await party.mostSignificantBits(ArithmeticShared.zeros(count: size, party: party.index) - sums)
            final = try await party.or(final, withheld)
            injected = try await party.arithmetic(final)
        }
        return final
    }
}
