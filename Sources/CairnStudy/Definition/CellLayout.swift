import CairnArithmetic

/// Where each cell and each cohort indicator sits in the vector of ring elements a contributor
/// secret-shares (see "The cell vector" in `docs/STUDY-DEFINITION.md`).
///
/// Cells are numbered table by table, in the order of the study's `tables`, and within a table
/// row by row (row-major). With `n` = ``cellCount`` the vector is:
///
/// | positions | holds |
/// | --- | --- |
/// | `0 ..< n` | each cell's value, scaled by 10^decimalPlaces, in two's complement; 0 if empty |
/// | `n ..< 2n` | each cell's presence: 1 if filled in, 0 if empty |
/// | `2n ..< 2n + k` | one indicator per option of each cohort, cohort by cohort: 1 for the chosen option |
///
/// where `k` is the total number of cohort options (0 without cohorts).
public struct CellLayout: Sendable, Equatable {
    /// A cell: its table's id and its row and column indices.
    public struct Cell: Sendable, Hashable {
        public var table: String
        public var row: Int
        public var column: Int

        public init(table: String, row: Int, column: Int) {
            self.table = table
            self.row = row
            self.column = column
        }
    }

    /// A table's block of cells.
    public struct TableBlock: Sendable, Equatable {
        public var table: String
        /// The number of the table's first cell.
        public var firstCell: Int
        public var rows: Int
        public var columns: Int
    }

    /// A cohort's block of indicators.
    public struct CohortBlock: Sendable, Equatable {
        public var cohort: String
        /// The position of the indicator of the cohort's first option in the vector.
        public var firstPosition: Int
        public var options: Int
    }

    public let tables: [TableBlock]
    public let cohorts: [CohortBlock]
    /// The number of cells in all tables.
    public let cellCount: Int

    public init(_ definition: StudyDefinition) {
        var next = 0
        tables = definition.tables.map { table in
            let block = TableBlock(
                table: table.id, firstCell: next,
                rows: definition.rowLabels(of: table).count, columns: definition.columnLabels(of: table).count)
            next += block.rows * block.columns
            return block
        }
        cellCount = next
        var position = 2 * next
        cohorts = definition.allCohorts.map { cohort in
            defer { position += cohort.options.count }
            return CohortBlock(cohort: cohort.id, firstPosition: position, options: cohort.options.count)
        }
    }

    /// The number of cohort indicators.
    public var cohortIndicatorCount: Int { cohorts.reduce(0) { $0 + $1.options } }

    /// The length of a contributor's vector: `2 · cellCount + cohortIndicatorCount`.
    public var vectorLength: Int { 2 * cellCount + cohortIndicatorCount }

    /// Every cell, in the canonical order.
    public var cells: [Cell] {
        tables.flatMap { block in
            (0..<block.rows).flatMap { row in (0..<block.columns).map { Cell(table: block.table, row: row, column: $0) } }
        }
    }

    /// The number of a cell in the canonical order, or `nil` if there is no such cell.
    public func cellIndex(table: String, row: Int, column: Int) -> Int? {
        guard let block = tables.first(where: { $0.table == table }),
            (0..<block.rows).contains(row), (0..<block.columns).contains(column)
        else { return nil }
        return block.firstCell + row * block.columns + column
    }

    /// Where cell number `cell` keeps its value in the vector.
    public func valuePosition(ofCell cell: Int) -> Int { cell }

    /// Where cell number `cell` keeps its presence indicator in the vector.
    public func presencePosition(ofCell cell: Int) -> Int { cellCount + cell }

    /// Where the indicator of a cohort's option (by index) is in the vector.
    public func indicatorPosition(cohort: String, option: Int) -> Int? {
        guard let block = cohorts.first(where: { $0.cohort == cohort }), (0..<block.options).contains(option) else { return nil }
        return block.firstPosition + option
    }
}

extension StudyDefinition {
    /// The canonical order of the study's cells and the layout of a contributor's vector.
    public var cellLayout: CellLayout { CellLayout(self) }

    /// The number of cells in all tables.
    public var cellCount: Int { cellLayout.cellCount }

    /// The ring elements a contributor secret-shares: values, presence indicators, cohort
    /// indicators, as ``CellLayout`` describes.
    ///
    /// - Throws: ``StudyProblems`` with every problem ``validate(submission:)`` finds.
    public func cellVector(for submission: FilledTables) throws -> [UInt64] {
        let read = readSubmission(submission)
        guard read.problems.isEmpty else { throw StudyProblems(subject: "the submission", problems: read.problems) }
        return cellVector(values: read.values, cohortChoices: read.cohortChoices.map { $0! })
    }

    /// The vector for values already read (`nil` for empty cells) and cohort option indices.
    func cellVector(values: [[[Int64?]]], cohortChoices: [Int]) -> [UInt64] {
        let flat = values.flatMap { $0.flatMap { $0 } }
        var vector = flat.map { Ring64.element($0 ?? 0) }
        vector += flat.map { $0 == nil ? 0 : 1 }
        for (cohort, choice) in zip(allCohorts, cohortChoices) {
            vector += cohort.options.indices.map { $0 == choice ? 1 : 0 }
        }
        return vector
    }
}
