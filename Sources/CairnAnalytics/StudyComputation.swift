import CairnArithmetic
import CairnMPC
import CairnStudy

/// What the recipient of a study learns: for every cell, over all contributors and for each cohort
/// option, the declared statistics, or the fact that the cell was suppressed.
public struct StudyResults: Codable, Sendable, Equatable {
    public struct Cell: Codable, Sendable, Equatable {
        public var table: String
        public var row: Int
        public var column: Int
        /// `nil` for all contributors; otherwise the cohort and option, e.g. `industry: Retail`.
        public var cohort: String?
        /// `nil` for a cell of the table; otherwise the ``StudyDefinition/Margin`` id, and `row`
        /// and `column` index the margin's row and column groups.
        public var margin: String?
        /// Withheld because fewer contributors than the minimum filled it in, or the summed
        /// headcount is below the minimum. Then every statistic is `nil`.
        public var suppressed: Bool
        public var contributors: Int?
        /// For magnitude tables (``StudyDefinition/Kind/isMagnitude``): the contributors whose
        /// value is not zero, the ones that count towards the minimum cell size.
        public var nonzeroContributors: Int?
        public var sum: Int64?
        public var mean: Double?
        public var meanPerEmployee: Double?
        public var standardDeviation: Double?
    }

    public var cells: [Cell]
    /// The contributions that did not follow the study's rules (``ContributionValidation``) and
    /// were left out of every statistic; `nil` when they were not checked (two compute parties).
    /// Nobody learns which ones, or why.
    public var leftOut: Int?
}

/// Computes a study's statistics from the contributors' secret-shared cell vectors.
///
/// What is computed inside MPC, and why only that: for every table cell and margin cell
/// (``MarginLayout``), for all contributors and per cohort option, the contributor count, the
/// sum, the non-zero contributors (magnitude tables) and the sum of squares (tables that ask for
/// the standard deviation) are secret matrix products of the contributors' vectors
/// (``Party/transposedProduct(_:columns:_:columns:)``); the suppression rules are evaluated on the
/// shares (``suppression(on:totals:values:indicators:contributors:)``: minimum cell size, counting
/// only non-zero contributors for money and months, headcount, dominance, and the margins'
/// differencing guard), and a suppressed cell's numbers are multiplied by zero before anything is
/// opened, so they are never revealed. The recipient then derives the mean (`sum ÷ count`), the
/// mean per employee (`sum ÷ headcount sum`) and the standard deviation (from count, sum and the
/// exact sum of squares) in the clear: these are functions of what it receives, and the counts and
/// sums are results themselves, so nothing more is revealed than the declared statistics, and no
/// secret division is needed.
///
/// Squares never wrap: a cell whose sum of squares could pass 2^63 (`count · max(|lo|, |hi|)²`,
/// public) is summed in exact limbs (``wideSquares(on:values:presence:cells:contributors:product:)``).
///
/// Before any statistic, every contribution is checked against the definition on its shares
/// (``ContributionValidation``): a contributor seals its own vector, so a presence bit of 2 or a
/// value out of range would otherwise count it twice or swamp a sum. The secret validity bit `b`
/// of each contribution multiplies only its weighting row, the cohort indicators and the appended
/// one (which becomes `b` itself): every statistic is a product weighted by that row (counts are
/// presence × row, sums values × row, squares values² × row), so an invalid contribution adds 0
/// to all of them, the same effect as multiplying its values, presence bits and indicators by `b`,
/// for `k + 1` multiplications per contributor instead of `2n + k`. Only the number left out,
/// `Σ (1 − b)`, is revealed, to the recipient; nobody learns which contributions, or why.
///
/// - Cost: the check (see ``ContributionValidation``: about 12·n words per contribution of `n`
///   cells, about 30 rounds per batch of 1,024 contributions), 3 rounds to weight the rows; per
///   contribution, about 3 words per margin cell and magnitude cell (zero tests and injection),
///   1 word per narrow square, 29 per wide square (``wideSquares(on:values:presence:cells:contributors:product:)``)
///   and about 10 per dominance cell and cohort (``dominatedCounts(on:totals:values:indicators:contributors:)``);
///   then products, signs and selection on `cells × (options + 1)` values, and one reveal to the
///   recipient. About 40 rounds after the check.
public struct StudyComputation: Sendable {
    public let definition: StudyDefinition
    let layout: CellLayout
    let plan: StatisticsPlan

    public init(definition: StudyDefinition) {
        self.definition = definition
        layout = definition.cellLayout
        plan = StatisticsPlan(definition: definition)
    }

    /// Runs on every party. `contributions` holds the contributors' cell vectors one after
    /// another (``CellLayout/vectorLength`` each), replicated-shared. Returns the results at
    /// `recipient`, `nil` elsewhere. `log` hears how long the contributions' check took (a public
    /// fact about the computation, nothing about the contributions).
    public func run(
        on party: Party, contributions: ArithmeticShared, recipient: PartyIndex,
        log: (String) -> Void = { _ in }
    ) async throws -> StudyResults? {
        let length = layout.vectorLength, cells = layout.cellCount, options = layout.cohortIndicatorCount
        guard contributions.count % max(length, 1) == 0 else {
            throw MPCError.invalidArgument("contributions are not whole cell vectors of \(length) elements")
        }
        let contributors = length == 0 ? 0 : contributions.count / length
        let groups = options + 1  // each cohort option, then all contributors
        // Values, presence bits, and cohort indicators with a column of ones appended.
        var valueIndices: [Int] = [], presenceIndices: [Int] = [], indicatorIndices: [Int] = []
        valueIndices.reserveCapacity(contributors * cells)
        presenceIndices.reserveCapacity(contributors * cells)
        for r in 0..<contributors {
            for c in 0..<cells {
                valueIndices.append(r * length + c)
                presenceIndices.append(r * length + cells + c)
            }
            for k in 0..<options { indicatorIndices.append(r * length + 2 * cells + k) }
            indicatorIndices.append(contributors * length + r)  // the appended one
        }
        let values = contributions.gathering(valueIndices)
        let presence = contributions.gathering(presenceIndices)
        // The appended column is each contribution's validity: 1 if it follows the rules, else 0.
        let checking = ContinuousClock.now
        let valid = try await ContributionValidation(definition: definition).run(on: party, contributions: contributions)
        let elapsed = (ContinuousClock.now - checking).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        log("checked \(contributors) contributions against the study's rules in \((seconds * 100).rounded() / 100) s")
        let validity = contributors == 0
            ? ArithmeticShared.zeros(count: 0, party: party.index) : try await party.arithmetic(valid)
        let withValidity = ArithmeticShared.concatenating([contributions, validity])
        var indicators = withValidity.gathering(indicatorIndices)
        if options > 0, contributors > 0 {
            // Each row's cohort indicators times its validity; the last column is the validity.
            let weights = validity.gathering((0..<contributors).flatMap { [Int](repeating: $0, count: groups) })
            indicators = try await party.multiply(indicators, weights)
        }
        let ones = ArithmeticShared.public([UInt64](repeating: 1, count: contributors), party: party.index)
        let invalid = (ones - validity).sum()
        let overflowing = plan.overflowingSums(contributors: contributors)
        guard overflowing.isEmpty else {
            throw MPCError.invalidArgument(
                "with \(contributors) contributions, \(overflowing[0]) could add up to more than Cairn counts exactly (2^63); "
                    + "lower the cells' maximum or split the margin")
        }
        let totals = try await secretTotals(
            on: party, values: values, presence: presence, indicators: indicators, contributors: contributors)
        let flags = try await suppression(
            on: party, totals: totals, values: totals.extendedValues, baseValues: values, presence: presence,
            indicators: indicators, contributors: contributors)

        // Everything revealed is multiplied by "kept": a suppressed cell's numbers become 0
        // before anything is opened.
        let kept = try await party.arithmetic(~flags)
        let extended = plan.cells.count
        func keptFor(_ cells: [Int]) -> [Int] { cells.flatMap { e in (0..<groups).map { e * groups + $0 } } }
        let magnitude = plan.cells.indices.filter { plan.cells[$0].isMagnitude }
        let narrow = totals.narrowSquareCells, wide = totals.wideSquareCells
        let keepIndices = keptFor(Array(0..<extended)) + keptFor(Array(0..<extended)) + keptFor(Array(0..<extended))
            + keptFor(magnitude) + keptFor(narrow) + keptFor(wide) + keptFor(wide) + keptFor(wide)
        let opened = ArithmeticShared.concatenating([
            totals.counts, totals.sums, totals.headcounts, totals.nonzero, totals.squares, totals.limbSquares,
        ])
        let released = try await party.multiply(opened, kept.gathering(keepIndices))
        let revealedFlags = try await party.reveal(flags, to: recipient)
        let revealed = try await party.reveal(ArithmeticShared.concatenating([released, invalid]), to: recipient)
        guard let flagBits = revealedFlags, var numbers = revealed else { return nil }
        let leftOut = numbers.removeLast()
        var results = results(
            flags: flagBits,
            totals: OpenedTotals(numbers: numbers, plan: plan, groups: groups, narrow: narrow, wide: wide), groups: groups)
        results.leftOut = Int(leftOut)
        return results
    }

    /// The recipient's assembly of the opened totals into results.
    func results(flags: [Bool], totals: OpenedTotals, groups: Int) -> StudyResults {
        let labels: [String] = definition.allCohorts.flatMap { cohort in cohort.options.map { "\(cohort.id): \($0)" } }
        var cells: [StudyResults.Cell] = []
        for (e, cell) in plan.cells.enumerated() {
            let wanted = cell.statistics
            for g in 0..<groups {
                let k = e * groups + g
                let count = totals.counts[k], sum = totals.sums[k], headcount = totals.headcounts[k]
                var result = StudyResults.Cell(
                    table: cell.table, row: cell.row, column: cell.column, cohort: g < labels.count ? labels[g] : nil,
                    margin: cell.margin, suppressed: flags[k])
                if !flags[k] {
                    let mean = count > 0 ? Double(sum) / Double(count) : nil
                    if wanted.contains(.count) { result.contributors = Int(count) }
                    if cell.isMagnitude { result.nonzeroContributors = totals.nonzero[k].map(Int.init) }
                    if wanted.contains(.sum) { result.sum = sum }
                    if wanted.contains(.mean) { result.mean = mean }
                    if wanted.contains(.meanPerEmployee), cell.headcount != nil, headcount > 0 {
                        result.meanPerEmployee = Double(sum) / Double(headcount)
                    }
                    if wanted.contains(.standardDeviation), count > 0, let squares = totals.squares[k] {
                        // n·Σv² − (Σv)² is exact in 128 bits (n ≤ 2^22, |v| ≤ 10^12), so the
                        // deviation of large, close values is not lost to rounding.
                        let n = Int128(count), spread = n * squares - Int128(sum) * Int128(sum)
                        result.standardDeviation = Double(max(0, spread)).squareRoot() / Double(count)
                    }
                }
                cells.append(result)
            }
        }
        return StudyResults(cells: cells)
    }
}
