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

extension ResultsReport {
    /// The columns of `margins.csv`: those of `results.csv` after the margin's id.
    public static let marginsCSVHeader = ["margin"] + csvHeader

    /// The margins as `margins.csv` (RFC 4180, CRLF): a header, then one record per margin cell
    /// per group, table by table, margin by margin, row group by row group. `row` and `column`
    /// are group labels (`All` for every label). A file of its own rather than more records in
    /// `results.csv`: its rows overlap the cells' (a margin is their total), so a spreadsheet that
    /// adds up a column of `results.csv` would count everything twice.
    public func marginsCSV() -> String {
        var records = [Self.marginsCSVHeader]
        for table in tables {
            for margin in table.margins ?? [] {
                for group in margin.groups {
                    for cell in group.cells {
                        records.append(
                            [margin.id, table.id, group.label, cell.row, cell.column, cell.suppressed ? "true" : "false"]
                                + StudyDefinition.Statistic.allCases.map { cell.value(of: $0).map(Self.plain) ?? "" })
                    }
                }
            }
        }
        return CSV.write(records)
    }

    /// The columns of `gaps.csv`.
    public static let gapsCSVHeader = [
        "comparison", "table", "statistic", "row", "compare", "with", "compare_value", "with_value", "ratio",
        "compare_contributors", "with_contributors", "compare_employees", "with_employees", "not_enough_data",
    ]

    /// The comparisons as `gaps.csv` (RFC 4180, CRLF): a header, then one record per gap, in the
    /// order of ``comparisons``. Values in the table's unit; `ratio` is compare ÷ with (0.78: 78
    /// cents for every dollar); empty where absent; `not_enough_data` is `true` where suppression
    /// withheld a total the gap needs or a side has no employees.
    public func gapsCSV() -> String {
        var records = [Self.gapsCSVHeader]
        for comparison in comparisons ?? [] {
            for gap in comparison.gaps {
                let numbers: [Double?] = [
                    gap.compare.value, gap.with.value, gap.ratio, gap.compare.contributors.map(Double.init),
                    gap.with.contributors.map(Double.init), gap.compare.employees, gap.with.employees,
                ]
                records.append(
                    [comparison.id, comparison.table, comparison.statistic.rawValue, gap.row, gap.compare.label, gap.with.label]
                        + numbers.map { $0.map(Self.plain) ?? "" } + [gap.ratio == nil ? "true" : "false"])
            }
        }
        return CSV.write(records)
    }
}
