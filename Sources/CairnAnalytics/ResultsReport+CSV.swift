import CairnStudy

extension ResultsReport {
    /// The columns of `results.csv`.
    public static let csvHeader = [
        "table", "cohort", "row", "column", "suppressed",
    ] + StudyDefinition.Statistic.allCases.map(\.csvName)

    /// The report as `results.csv` (RFC 4180, CRLF line breaks): a header, then one record per
    /// cell per group, table by table, group by group, row by row. `table` is the table's id,
    /// `cohort` the group's label (`All contributors`, `industry: Retail`), `suppressed` is
    /// `true` or `false`; values are in the table's unit, empty where absent or suppressed.
    public func csv() -> String {
        var records = [Self.csvHeader]
        for table in tables {
            for group in table.groups {
                for cell in group.cells {
                    records.append(
                        [table.id, group.label, cell.row, cell.column, cell.suppressed ? "true" : "false"]
                            + StudyDefinition.Statistic.allCases.map { cell.value(of: $0).map(Self.plain) ?? "" })
                }
            }
        }
        return CSV.write(records)
    }
}
