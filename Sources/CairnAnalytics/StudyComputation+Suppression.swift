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
    /// **Margins** (the differencing guard): ``complementary(on:primary:totals:support:indicators:contributors:)``.
    ///
    /// One ``Party/mostSignificantBits(_:)`` on `support − minimum`, `headcount − minimum` and
    /// `−dominated` gives all three tests (each difference is far from ±2^63).
    ///
    /// - Cost: 8 rounds and about 4 words per cell and group for the signs, plus
    ///   ``dominatedCounts(on:totals:values:indicators:contributors:)`` and the margins'. Reveals nothing.
    func suppression(
        on party: Party, totals: SecretTotals, values: ArithmeticShared, baseValues: ArithmeticShared, presence: ArithmeticShared,
        indicators: ArithmeticShared, contributors n: Int
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
        guard !tests.isEmpty else { return none }
        let signs = try await party.mostSignificantBits(of: tests)
        var primary = signs[0]
        for other in signs.dropFirst() { primary = try await party.or(primary, other) }
        return try await complementary(
            on: party, primary: primary, totals: totals, support: support(values: baseValues, presence: presence, contributors: n),
            indicators: indicators, contributors: n)
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
        guard plan.dominance != nil, !cells.isEmpty, n > 0 else { return result }
        let caps = try dominanceCaps(cells)
        let total = totals.sums.gathering(cells.flatMap { e in (0..<groups).map { e * groups + $0 } })
        let mine = values.gathering((0..<n).flatMap { r in cells.map { r * extended + $0 } })
        let picked = try await dominators(
            on: party, values: [ArithmeticShared](repeating: mine, count: layout.cohorts.count + 1), totals: total, caps: caps,
            indicators: indicators, contributors: n)
        var scatter = [Int](repeating: extended * groups, count: extended * groups)  // the one zero
        for (c, e) in cells.enumerated() {
            for g in 0..<groups { scatter[e * groups + g] = extended * groups + 1 + c * groups + g }
        }
        result = ArithmeticShared.concatenating([result, ArithmeticShared.zeros(count: 1, party: party.index), picked]).gathering(scatter)
        return result
    }

    /// The clamps of ``dominators(on:values:totals:caps:indicators:contributors:)`` for these cells.
    func dominanceCaps(_ cells: [Int]) throws -> [UInt64] {
        try cells.map { e in
            let cell = plan.cells[e]
            guard let cap = plan.dominanceCap(cell) else {
                let place = cell.margin.map { "margin \"\($0)\" of table \"\(cell.table)\"" } ?? "table \"\(cell.table)\""
                throw MPCError.invalidArgument(
                    "the dominance rule cannot be checked exactly on \(place): its values could add up to more than 2^62 divided by the rule's denominator; lower the cells' maximum")
            }
            return UInt64(cap)
        }
    }

    /// Per column `x` and group: how many of the group's contributors dominate, `d·v > q·T'`
    /// with `T'` the group's total clamped to `caps[x]`. `values[j]` holds each contributor's
    /// value (`n × X`) as judged in its own option of cohort `j` (the last: all contributors).
    ///
    /// - Cost: 8 + 3 rounds on `X · groups` totals; 1 round and `n · X` words per cohort; 8 + 2
    ///   rounds and about 6 words per contributor, column and cohort (and all); 1 round and
    ///   `X · (cohorts + 1) · groups` words.
    func dominators(
        on party: Party, values: [ArithmeticShared], totals: ArithmeticShared, caps: [UInt64], indicators: ArithmeticShared,
        contributors n: Int
    ) async throws -> ArithmeticShared {
        let groups = layout.cohortIndicatorCount + 1, columns = caps.count
        guard let (numerator, denominator) = plan.dominance, columns > 0, n > 0 else {
            return .zeros(count: columns * groups, party: party.index)
        }
        let capPerEntry = caps.flatMap { [UInt64](repeating: $0, count: groups) }
        let belowCap = try await party.mostSignificantBits(totals - capPerEntry)
        let clamped = try await party.select(belowCap, totals, ArithmeticShared.public(capPerEntry, party: party.index))
        let own = try await ownGroup(on: party, clamped, columns: columns, indicators: indicators, contributors: n)
        let differences = zip(own, values).map { $0 * UInt64(numerator) - $1 * UInt64(denominator) }
        let signs = try await party.mostSignificantBits(ArithmeticShared.concatenating(differences))
        let dominant = try await party.arithmetic(signs)
        return try await countPerGroup(
            on: party, (0..<own.count).map { j in dominant[(j * n * columns)..<((j + 1) * n * columns)] }, columns: columns,
            indicators: indicators, contributors: n)
    }

    /// For each cohort (then all contributors), each contributor's entry of its own option:
    /// `n × X`, from `x` with entries `column · groups + group`. A secret matrix product of the
    /// indicator rows with the options' entries (the options as rows of
    /// ``Party/transposedProduct(_:columns:_:columns:)``); for all contributors a public copy.
    ///
    /// - Cost: 1 round, `n · X` words per cohort.
    func ownGroup(
        on party: Party, _ x: ArithmeticShared, columns: Int, indicators: ArithmeticShared, contributors n: Int
    ) async throws -> [ArithmeticShared] {
        let groups = layout.cohortIndicatorCount + 1
        var result: [ArithmeticShared] = []
        for block in layout.cohorts {
            let first = block.firstPosition - 2 * layout.cellCount
            let options = first..<(first + block.options)
            guard n > 0, columns > 0 else {
                result.append(.zeros(count: n * columns, party: party.index))
                continue
            }
            let a = indicators.gathering(options.flatMap { k in (0..<n).map { $0 * groups + k } })
            let b = x.gathering(options.flatMap { k in (0..<columns).map { $0 * groups + k } })
            result.append(try await party.transposedProduct(a, columns: n, b, columns: columns))
        }
        result.append(x.gathering((0..<n).flatMap { _ in (0..<columns).map { $0 * groups + groups - 1 } }))
        return result
    }

    /// Per column and group, the sum over the group's contributors of their 0/1 entries, where
    /// `perCohort[j]` (`n × X`) is what each contributor has in its own option of cohort `j`
    /// (the last: all contributors); each group reads its own cohort's.
    ///
    /// - Cost: 1 round, `X · (cohorts + 1) · groups` words.
    func countPerGroup(
        on party: Party, _ perCohort: [ArithmeticShared], columns: Int, indicators: ArithmeticShared, contributors n: Int
    ) async throws -> ArithmeticShared {
        let groups = layout.cohortIndicatorCount + 1, cohorts = perCohort.count
        guard n > 0, columns > 0 else { return .zeros(count: columns * groups, party: party.index) }
        let all = ArithmeticShared.concatenating(perCohort)
        let rows = all.gathering((0..<n).flatMap { r in
            (0..<cohorts).flatMap { j in (0..<columns).map { j * n * columns + r * columns + $0 } }
        })
        let counts = try await party.transposedProduct(rows, columns: cohorts * columns, indicators, columns: groups)
        var cohortOfGroup: [Int] = []
        for (j, block) in layout.cohorts.enumerated() { cohortOfGroup += [Int](repeating: j, count: block.options) }
        cohortOfGroup.append(cohorts - 1)
        return counts.gathering((0..<columns).flatMap { x in (0..<groups).map { g in (cohortOfGroup[g] * columns + x) * groups + g } })
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
