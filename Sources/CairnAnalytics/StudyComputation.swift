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
/// What is computed inside MPC, and why only that: the contributor count, the sum and the sum of
/// squares of every cell, for all contributors and per cohort option, are secret matrix products
/// of the contributors' vectors (``Party/transposedProduct(_:columns:_:columns:)``); each count and
/// headcount is compared with the minimum cell size, and a suppressed cell's values are replaced
/// by zero before anything is opened (``Party/select(_:_:_:)``), so they are never revealed. The
/// recipient then derives the mean (`sum ÷ count`), the mean per employee (`sum ÷ headcount sum`)
/// and the standard deviation (from count, sum and sum of squares) in the clear: these are
/// functions of what it receives, and the counts and sums are results themselves, so nothing more
/// is revealed than the declared statistics, and no secret division is needed.
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
///   cells, about 30 rounds per batch of 1,024 contributions), 3 rounds to weight the rows, then 3 or 4 rounds of products (one
///   multiplication for the squares), 9 rounds of comparisons and 3 of selection on
///   `cells × (options + 1)` values, and one reveal to the recipient; apart from the check,
///   communication grows with the number of cells and options, not contributors.
public struct StudyComputation: Sendable {
    public let definition: StudyDefinition
    let layout: CellLayout

    public init(definition: StudyDefinition) {
        self.definition = definition
        layout = definition.cellLayout
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
        let wantsDeviation = definition.tables.contains { definition.statistics(for: $0).contains(.standardDeviation) }

        let counts = try await party.transposedProduct(presence, columns: cells, indicators, columns: groups)
        let sums = try await party.transposedProduct(values, columns: cells, indicators, columns: groups)
        let squares = wantsDeviation
            ? try await party.transposedProduct(try await party.multiply(values, values), columns: cells, indicators, columns: groups)
            : ArithmeticShared.zeros(count: cells * groups, party: party.index)
        let headcountCells = self.headcountCells
        var headcountIndices: [Int] = []
        for c in 0..<cells {
            for g in 0..<groups { headcountIndices.append((headcountCells[c] ?? c) * groups + g) }
        }
        let headcounts = sums.gathering(headcountIndices)

        var suppressed = SharedBits.public([Bool](repeating: false, count: cells * groups), party: party.index)
        if let minimum = definition.statistics.minimumCellSize, cells * groups > 0 {
            let fewContributors = try await party.lessThan(counts, Int64(minimum))
            let smallHeadcount = try await party.lessThan(headcounts, Int64(minimum))
            var withHeadcount: [Bool] = []
            for c in 0..<cells { withHeadcount += [Bool](repeating: headcountCells[c] != nil, count: groups) }
            let hasHeadcount = SharedBits.public(withHeadcount, party: party.index)
            suppressed = try await party.or(fewContributors, try await party.and(smallHeadcount, hasHeadcount))
        }
        let opened = ArithmeticShared.concatenating([counts, sums, squares, headcounts])
        let zeros = ArithmeticShared.zeros(count: opened.count, party: party.index)
        let flags4 = SharedBits.concatenating([suppressed, suppressed, suppressed, suppressed])
        let released = try await party.select(flags4, zeros, opened)
        let revealedFlags = try await party.reveal(suppressed, to: recipient)
        let revealed = try await party.reveal(ArithmeticShared.concatenating([released, invalid]), to: recipient)
        guard let flags = revealedFlags, var numbers = revealed else { return nil }
        let leftOut = numbers.removeLast()
        var results = results(flags: flags, numbers: numbers, groups: groups)
        results.leftOut = Int(leftOut)
        return results
    }

    /// Each cell's headcount cell: the matching cell of its table's headcount table, or `nil`.
    var headcountCells: [Int?] {
        layout.cells.map { cell in
            guard let table = definition.table(cell.table), let headcount = table.headcountTable else { return nil }
            return layout.cellIndex(table: headcount, row: cell.row, column: cell.column)
        }
    }

    /// The recipient's assembly of the opened totals into results.
    func results(flags: [Bool], numbers: [UInt64], groups: Int) -> StudyResults {
        let size = layout.cellCount * groups
        let labels: [String] = definition.allCohorts.flatMap { cohort in cohort.options.map { "\(cohort.id): \($0)" } }
        var cells: [StudyResults.Cell] = []
        for (c, cell) in layout.cells.enumerated() {
            let table = definition.table(cell.table)
            let wanted = table.map { definition.statistics(for: $0) } ?? []
            for g in 0..<groups {
                let k = c * groups + g
                let count = Int64(bitPattern: numbers[k]), sum = Int64(bitPattern: numbers[size + k])
                let squares = Int64(bitPattern: numbers[2 * size + k]), headcount = Int64(bitPattern: numbers[3 * size + k])
                var result = StudyResults.Cell(
                    table: cell.table, row: cell.row, column: cell.column, cohort: g < labels.count ? labels[g] : nil,
                    suppressed: flags[k])
                if !flags[k] {
                    let n = Double(count)
                    let mean = count > 0 ? Double(sum) / n : nil
                    if wanted.contains(.count) { result.contributors = Int(count) }
                    if wanted.contains(.sum) { result.sum = sum }
                    if wanted.contains(.mean) { result.mean = mean }
                    if wanted.contains(.meanPerEmployee), table?.headcountTable != nil, headcount > 0 {
                        result.meanPerEmployee = Double(sum) / Double(headcount)
                    }
                    if wanted.contains(.standardDeviation), let mean, count > 0 {
                        result.standardDeviation = (max(0, Double(squares) / n - mean * mean)).squareRoot()
                    }
                }
                cells.append(result)
            }
        }
        return StudyResults(cells: cells)
    }
}

extension StudyComputation {
    /// The results computed in the clear from the contributors' cell vectors: what the parties
    /// must reveal. With three compute parties the vectors that break the study's rules are left
    /// out and counted, as the parties do; two parties check nothing
    /// (``TwoPartyStudyComputation``). The demo and the multi-process tests check the parties'
    /// results against it.
    public func reference(vectors all: [[UInt64]]) -> StudyResults {
        let checked = definition.computeParties.count >= 3
        let validation = ContributionValidation(definition: definition)
        let vectors = checked ? all.filter(validation.reference(vector:)) : all
        let cells = layout.cellCount, options = layout.cohortIndicatorCount, groups = options + 1
        let size = cells * groups
        var numbers = [UInt64](repeating: 0, count: 4 * size)
        for vector in vectors {
            for g in 0..<groups where g == options || vector[2 * cells + g] == 1 {
                for c in 0..<cells {
                    let k = c * groups + g, value = vector[c]
                    numbers[k] &+= vector[cells + c]
                    numbers[size + k] &+= value
                    numbers[2 * size + k] &+= value &* value
                }
            }
        }
        var flags = [Bool](repeating: false, count: size)
        let minimum = definition.statistics.minimumCellSize.map(Int64.init)
        for (c, headcountCell) in headcountCells.enumerated() {
            for g in 0..<groups {
                let k = c * groups + g
                numbers[3 * size + k] = numbers[size + (headcountCell ?? c) * groups + g]
                if let minimum {
                    let few = Int64(bitPattern: numbers[k]) < minimum
                    let small = headcountCell != nil && Int64(bitPattern: numbers[3 * size + k]) < minimum
                    flags[k] = few || small
                }
            }
        }
        for k in 0..<size where flags[k] {
            for block in 0..<4 { numbers[block * size + k] = 0 }
        }
        var results = results(flags: flags, numbers: numbers, groups: groups)
        results.leftOut = checked ? all.count - vectors.count : nil
        return results
    }
}
