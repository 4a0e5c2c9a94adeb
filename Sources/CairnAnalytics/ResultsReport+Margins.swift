import CairnStudy

extension ResultsReport {
    /// One margin of a table (``StudyDefinition/Margin``): totals over groups of the table's rows
    /// and columns, computed inside MPC like every cell and suppressed on their own, for all
    /// contributors and for each cohort option. Its rows and columns are the group labels
    /// (``StudyDefinition/allLabel`` for the group of every label).
    public struct Margin: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var rows: [String]
        public var columns: [String]
        /// ``ResultsReport/allContributors`` first, then each cohort option, as the table's.
        public var groups: [Group]

        /// The cell at the row group and column group with these labels, for the group labelled
        /// `group`.
        public func cell(row: String, column: String, group: String = ResultsReport.allContributors) -> Cell? {
            guard let row = rows.firstIndex(of: row), let column = columns.firstIndex(of: column),
                let group = groups.first(where: { $0.label == group })
            else { return nil }
            return group.cells[row * columns.count + column]
        }
    }

    /// A margin of `table` shaped as a table of its own (rows and columns are the group labels),
    /// so that it reads, prints and charts like one.
    static func marginTable(_ margin: Margin, of table: Table) -> Table {
        Table(
            id: table.id, title: "\(table.title), totals \(margin.title.lowercased())", description: nil, kind: table.kind,
            unit: table.unit, decimalPlaces: table.decimalPlaces, rows: margin.rows, columns: margin.columns,
            statistics: table.statistics, headcountTable: nil, groups: margin.groups)
    }

    /// The margins of the study that total `table`, in the units of the table, or `nil` if none
    /// does. `revealed(margin, row, column, cohort)` is the computed margin cell, if any.
    static func margins(
        of table: StudyDefinition.Table, definition: StudyDefinition,
        groups: [(label: String, cohort: String?, option: String?)], scale: [[Double]],
        revealed: (String, Int, Int, String?) -> StudyResults.Cell?
    ) -> [Margin]? {
        let margins = definition.allMargins.filter { $0.tables.contains(table.id) }
        guard !margins.isEmpty else { return nil }
        // A margin adds up cells of one scale (a table's decimal places are the same in every
        // cell it totals); the largest is the table's.
        let marginScale = scale.joined().max() ?? 1
        return margins.map { margin in
            let labels = StudyDefinition.marginGroups(definition: definition, margin: margin)
            return Margin(
                id: margin.id, title: margin.title, rows: labels.rows, columns: labels.columns,
                groups: groups.map { group in
                    var cells: [Cell] = []
                    for (row, rowLabel) in labels.rows.enumerated() {
                        for (column, columnLabel) in labels.columns.enumerated() {
                            let result = revealed(margin.id, row, column, group.cohort == nil ? nil : group.label)
                            cells.append(cell(result, row: rowLabel, column: columnLabel, scale: marginScale))
                        }
                    }
                    return Group(label: group.label, cohort: group.cohort, option: group.option, cells: cells)
                })
        }
    }
}
