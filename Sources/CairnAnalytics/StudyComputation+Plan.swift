import CairnStudy

/// What the parties compute for each cell, decided from public facts only (the definition and the
/// number of contributions): the table cells, then the margin cells (``MarginLayout``), each with
/// the rules that apply to it.
struct StatisticsPlan: Sendable {
    struct Cell: Sendable {
        var table: String
        var row: Int
        var column: Int
        /// `nil` for a table cell; else the margin's id.
        var margin: String?
        /// The table cells it adds up (itself for a table cell).
        var baseCells: [Int]
        /// Its headcount cell (a table or margin cell of the headcount table), or `nil`.
        var headcount: Int?
        /// Money or months: its contributors count towards the minimum only when non-zero.
        var isMagnitude: Bool
        /// The dominance rule applies (the study sets it, and no value can be negative).
        var checksDominance: Bool
        var statistics: [StudyDefinition.Statistic]
        /// The smallest and largest value one contribution can give it.
        var lower: Int64
        var upper: Int64
        /// A table cell's declared minimum: a filled-in value minus it lies in `0 ..< 2^41`.
        var offset: Int64 = 0
        /// A margin cell's family (``MarginLayout/Cell/family``).
        var family: String? = nil
    }

    /// One way of cutting a margin cell into pieces whose totals may be revealed: its table
    /// cells, or the cells of a margin family that fit inside it exactly.
    struct Partition: Sendable {
        var margin: Int
        /// Each piece (a cell number in ``cells``) and the table cells it covers.
        var parts: [(cell: Int, baseCells: [Int])]
    }

    let cells: [Cell]
    let baseCellCount: Int
    /// The partitions of the margin cells, level by level: a partition's pieces are all of
    /// lower levels (table cells are level 0), so their suppression is final before it is used.
    let levels: [[Partition]]
    /// `numerator / denominator` is the dominance percentage as a fraction of 1.
    let dominance: (numerator: Int64, denominator: Int64)?

    init(definition: StudyDefinition) {
        let layout = definition.cellLayout, margins = definition.marginLayout
        let validation = ContributionValidation(definition: definition)
        dominance = definition.dominancePercent.flatMap(StudyDefinition.dominanceFraction)
        let dominanceSet = dominance != nil
        func headcountTable(_ id: String) -> String? { definition.table(id)?.headcountTable }
        func bounds(_ base: [Int]) -> (Int64, Int64) {
            base.reduce((0, 0)) { total, cell in
                let b = validation.bounds[cell]
                return b.isEmpty ? total : (total.0 + min(b.lower, 0), total.1 + max(b.upper, 0))
            }
        }
        var cells: [Cell] = []
        var nonNegativeTables: Set<String> = []
        for block in layout.tables {
            let range = block.firstCell..<(block.firstCell + block.rows * block.columns)
            if range.allSatisfy({ validation.bounds[$0].isEmpty || validation.bounds[$0].lower >= 0 }) {
                nonNegativeTables.insert(block.table)
            }
        }
        for (c, cell) in layout.cells.enumerated() {
            let table = definition.table(cell.table)
            let magnitude = table?.kind.isMagnitude ?? false
            let (lower, upper) = bounds([c])
            cells.append(Cell(
                table: cell.table, row: cell.row, column: cell.column, margin: nil, baseCells: [c],
                headcount: headcountTable(cell.table).flatMap { layout.cellIndex(table: $0, row: cell.row, column: cell.column) },
                isMagnitude: magnitude, checksDominance: magnitude && dominanceSet && nonNegativeTables.contains(cell.table),
                statistics: table.map { definition.statistics(for: $0) } ?? [], lower: lower, upper: upper,
                offset: validation.bounds[c].isEmpty ? 0 : validation.bounds[c].lower))
        }
        let baseCount = cells.count
        baseCellCount = baseCount
        for cell in margins.cells {
            let table = definition.table(cell.table)
            let magnitude = table?.kind.isMagnitude ?? false
            let (lower, upper) = bounds(cell.baseCells)
            let headcount = headcountTable(cell.table).flatMap {
                margins.cellIndex(margin: cell.margin, table: $0, row: cell.row, column: cell.column)
            }
            cells.append(Cell(
                table: cell.table, row: cell.row, column: cell.column, margin: cell.margin, baseCells: cell.baseCells,
                headcount: headcount.map { baseCount + $0 },
                isMagnitude: magnitude, checksDominance: magnitude && dominanceSet && nonNegativeTables.contains(cell.table),
                statistics: (table.map { definition.statistics(for: $0) } ?? []).filter { $0 != .standardDeviation },
                lower: lower, upper: upper, family: cell.family))
        }
        self.cells = cells
        levels = Self.partitions(of: cells, baseCellCount: baseCount)
    }

    /// Every margin cell's partitions, grouped by level.
    static func partitions(of cells: [Cell], baseCellCount: Int) -> [[Partition]] {
        var families: [String: [Int]] = [:]
        for e in baseCellCount..<cells.count { families[cells[e].family ?? "", default: []].append(e) }
        var level = [Int](repeating: 0, count: cells.count)
        var byLevel: [Int: [Partition]] = [:]
        for m in (baseCellCount..<cells.count).sorted(by: { cells[$0].baseCells.count < cells[$1].baseCells.count }) {
            let covered = Set(cells[m].baseCells)
            var partitions = [Partition(margin: m, parts: cells[m].baseCells.map { ($0, [$0]) })]
            for family in families.keys.sorted() {
                let members = families[family]!
                guard cells[members[0]].table == cells[m].table else { continue }
                let inside = members.filter { $0 != m && covered.isSuperset(of: cells[$0].baseCells) }
                // A family's cells are disjoint, so sizes that add up mean an exact tiling.
                guard inside.count >= 2, inside.reduce(0, { $0 + cells[$1].baseCells.count }) == covered.count else { continue }
                partitions.append(Partition(margin: m, parts: inside.map { ($0, cells[$0].baseCells) }))
            }
            level[m] = 1 + partitions.flatMap { $0.parts.map { level[$0.cell] } }.max()!
            byLevel[level[m], default: []] += partitions
        }
        return byLevel.keys.sorted().map { byLevel[$0]! }
    }

    var marginCells: ArraySlice<Cell> { cells[baseCellCount...] }

    /// A table cell whose sum of squares could pass 2^63 with `contributors` contributions: its
    /// squares are summed in limbs (``StudyComputation/wideSquares``).
    func needsWideSquares(_ cell: Cell, contributors: Int) -> Bool {
        guard cell.margin == nil, cell.statistics.contains(.standardDeviation) else { return false }
        let largest = UInt128(max(cell.lower.magnitude, cell.upper.magnitude))
        return UInt128(contributors) * largest * largest >= UInt128(1) << 63
    }

    /// The cells whose sum could pass ±2^63 with `contributors` contributions (only margins over
    /// many large cells can), described for an error message.
    func overflowingSums(contributors: Int) -> [String] {
        marginCells.filter { cell in
            UInt128(contributors) * UInt128(max(cell.lower.magnitude, cell.upper.magnitude)) >= UInt128(1) << 63
        }.map { "margin \"\($0.margin ?? "")\" of table \"\($0.table)\"" }
    }

    /// The total above which no single contribution to `cell` can dominate: `denominator · v ≤
    /// denominator · upper < numerator · cap`. Totals are clamped to it so that every dominance
    /// comparison stays below 2^62 (``StudyComputation`` explains why that suffices).
    func dominanceCap(_ cell: Cell) -> Int64? {
        guard let (numerator, denominator) = dominance else { return nil }
        let bound = Int128(denominator) * Int128(cell.upper)
        guard bound + Int128(numerator) < Int128(1) << 62 else { return nil }
        return Int64(bound / Int128(numerator) + 1)
    }
}
