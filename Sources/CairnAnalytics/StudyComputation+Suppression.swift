import CairnArithmetic
import CairnMPC
import CairnStudy

extension StudyComputation {
    /// Which cells (and groups) are withheld, as secret bits, entry `cell · groups + group`.
    ///
    /// Primary rules, per table or margin cell and group:
    /// - **minimum cell size**: fewer than `minimumCellSize` contributors filled it in; for
    ///   magnitude tables (money, months) only contributors whose value is not zero count;
    /// - **headcount**: its headcount cell sums to less than `minimumCellSize`;
    /// - **dominance** (``dominatedCounts``): one contributor holds more than `p`% of its total.
    ///
    /// **Margins** (the differencing guard): a margin cell is withheld when any table cell it
    /// adds up is withheld in the same group, so no margin minus its revealed parts gives a
    /// withheld cell away.
    ///
    /// One ``Party/mostSignificantBits(_:)`` on `support − minimum`, `headcount − minimum` and
    /// `−dominated` gives all three tests (each difference is far from ±2^63); the margin test
    /// is the sign of `−Σ` of the injected bits of its table cells.
    ///
    /// - Cost: 8 rounds and about 4 words per cell and group for the signs, 2 + 8 rounds and
    ///   about 6 more for the margins, plus ``dominatedCounts``. Reveals nothing.
    func suppression(
        on party: Party, totals: SecretTotals, values: ArithmeticShared, indicators: ArithmeticShared, contributors n: Int
    ) async throws -> SharedBits {
        let groups = layout.cohortIndicatorCount + 1, size = plan.cells.count * groups
        let none = SharedBits.public([Bool](repeating: false, count: size), party: party.index)
        guard size > 0 else { return none }
        let zeros = ArithmeticShared.zeros(count: size, party: party.index)
        var tests: [ArithmeticShared] = []
        if let minimum = definition.statistics.minimumCellSize.map({ UInt64(minimum: $0) }) {
            let magnitude = plan.cells.indices.filter { plan.cells[$0].isMagnitude }
            var position: [Int: Int] = [:]
            for (i, e) in magnitude.enumerated() { position[e] = i }
            let support = ArithmeticShared.concatenating([totals.counts, totals.nonzero]).gathering(plan.cells.indices.flatMap { e in
                (0..<groups).map { g in position[e].map { size + $0 * groups + g } ?? e * groups + g }
            })
            let headcounts = ArithmeticShared.concatenating([totals.headcounts, zeros + minimum]).gathering(plan.cells.indices.flatMap { e in
                (0..<groups).map { g in plan.cells[e].headcount == nil ? size + e * groups + g : e * groups + g }
            })
            tests += [support - minimum, headcounts - minimum]
        }
        if plan.dominance != nil {
            tests.append(zeros - (try await dominatedCounts(on: party, totals: totals, values: values, indicators: indicators, contributors: n)))
        }
        guard !tests.isEmpty else { return try await withMargins(on: party, primary: none) }
        let signs = try await party.mostSignificantBits(of: tests)
        var primary = signs[0]
        for other in signs.dropFirst() { primary = try await party.or(primary, other) }
        return try await withMargins(on: party, primary: primary)
    }

    /// The primary suppression with every margin cell that adds up a withheld table cell withheld too.
    func withMargins(on party: Party, primary: SharedBits) async throws -> SharedBits {
        let groups = layout.cohortIndicatorCount + 1
        guard !plan.marginCells.isEmpty else { return primary }
        let injected = try await party.arithmetic(primary)
        let withheldParts = Self.rowSums(
            injected, width: plan.cells.count * groups, rows: 1,
            of: plan.cells.indices.flatMap { e in
                (0..<groups).map { g in plan.cells[e].margin == nil ? [] : plan.cells[e].baseCells.map { $0 * groups + g } }
            })
        let anyWithheld = try await party.mostSignificantBits(ArithmeticShared.zeros(count: withheldParts.count, party: party.index) - withheldParts)
        return try await party.or(primary, anyWithheld)
    }

    /// Per dominance cell and group: how many contributors hold more than `p`% of its total.
    ///
    /// A contributor `r` dominates a cell in a group when `d·v_r > q·T` with `q/d = p/100`
    /// reduced (``StudyDefinition/dominanceFraction(_:)``) and `T` the group's total. Per
    /// contributor, the total of its own option of each cohort is a secret matrix product of its
    /// indicator row with the options' totals (``Party/transposedProduct(_:columns:_:columns:)``
    /// with the options as rows), the total over all contributors is the same for everyone; one
    /// sign (``Party/mostSignificantBits(_:)``) per contributor, cell and cohort (and all) tests
    /// `q·T' − d·v_r < 0`. The injected bits times the indicators count, per group, the
    /// contributors that dominate (only a group's own members are counted, with their validity).
    ///
    /// Why one sign suffices: values are never negative here and bounded by the cell's maximum
    /// `hi` (``ContributionValidation`` checks valid contributions; invalid ones are weighted 0
    /// in the count), and `T` is first clamped to `T' = min(T, ⌊d·hi/q⌋ + 1)`: above that no
    /// value can dominate, and the clamped total keeps `q·T'` and `d·v_r` below 2^62, so the
    /// difference never wraps round Z/2^64 and its sign is the comparison's.
    ///
    /// - Cost: 8 + 3 rounds to clamp `cells · groups` totals, 1 round and `n · cells` words per
    ///   cohort for the own totals, 8 rounds and about 4 words per contributor, cell and cohort
    ///   (and all) for the signs, 2 rounds and 2 words each to inject them, 1 round and
    ///   `cells · (cohorts + 1) · groups` words for the counts. Reveals nothing.
    ///
    /// - Seealso: Hundepool et al., *Statistical Disclosure Control* (Wiley 2012), §5.2 on the
    ///   (1, p) dominance rule.
    func dominatedCounts(
        on party: Party, totals: SecretTotals, values: ArithmeticShared, indicators: ArithmeticShared, contributors n: Int
    ) async throws -> ArithmeticShared {
        let groups = layout.cohortIndicatorCount + 1, extended = plan.cells.count
        let cells = plan.cells.indices.filter { plan.cells[$0].checksDominance }
        var result = ArithmeticShared.zeros(count: extended * groups, party: party.index)
        guard let (numerator, denominator) = plan.dominance, !cells.isEmpty, n > 0 else { return result }
        let caps = try cells.map { e in
            guard let cap = plan.dominanceCap(plan.cells[e]) else {
                let where_ = plan.cells[e].margin.map { "margin \"\($0)\" of table \"\(plan.cells[e].table)\"" } ?? "table \"\(plan.cells[e].table)\""
                throw MPCError.invalidArgument(
                    "the dominance rule cannot be checked exactly on \(where_): one contribution could exceed 2^62 / the rule's denominator; lower the cells' maximum")
            }
            return UInt64(cap)
        }
        let d = cells.count
        let capPerEntry = caps.flatMap { [UInt64](repeating: $0, count: groups) }
        let total = totals.sums.gathering(cells.flatMap { e in (0..<groups).map { e * groups + $0 } })
        let capShared = ArithmeticShared.public(capPerEntry, party: party.index)
        let belowCap = try await party.mostSignificantBits(total - capPerEntry)
        let clamped = try await party.select(belowCap, total, capShared)  // entry c · groups + g
        let own = ArithmeticShared.concatenating(try await layout.cohorts.asyncMap { block in
            let first = block.firstPosition - 2 * layout.cellCount
            let options = (first..<(first + block.options))
            let a = indicators.gathering(options.flatMap { k in (0..<n).map { $0 * groups + k } })
            let b = clamped.gathering(options.flatMap { k in (0..<d).map { $0 * groups + k } })
            return try await party.transposedProduct(a, columns: n, b, columns: d)
        } + [clamped.gathering((0..<n).flatMap { _ in (0..<d).map { $0 * groups + groups - 1 } })])
        let cohorts = layout.cohorts.count + 1
        let mine = values.gathering((0..<cohorts).flatMap { _ in (0..<n).flatMap { r in cells.map { r * extended + $0 } } })
        let signs = try await party.mostSignificantBits(own * UInt64(numerator) - mine * UInt64(denominator))
        let dominant = try await party.arithmetic(signs)  // entry j · n · d + r · d + c
        let rows = dominant.gathering((0..<n).flatMap { r in (0..<cohorts).flatMap { j in (0..<d).map { j * n * d + r * d + $0 } } })
        let counts = try await party.transposedProduct(rows, columns: cohorts * d, indicators, columns: groups)
        var cohortOfGroup: [Int] = []
        for (j, block) in layout.cohorts.enumerated() { cohortOfGroup += [Int](repeating: j, count: block.options) }
        cohortOfGroup.append(cohorts - 1)
        let picked = counts.gathering((0..<d).flatMap { c in (0..<groups).map { g in (cohortOfGroup[g] * d + c) * groups + g } })
        var scatter = [Int](repeating: extended * groups, count: extended * groups)  // the one zero
        for (c, e) in cells.enumerated() {
            for g in 0..<groups { scatter[e * groups + g] = extended * groups + 1 + c * groups + g }
        }
        result = ArithmeticShared.concatenating([result, ArithmeticShared.zeros(count: 1, party: party.index), picked]).gathering(scatter)
        return result
    }
}

extension UInt64 {
    fileprivate init(minimum: Int) { self = UInt64(bitPattern: Int64(minimum)) }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
