import CairnStudy
import Foundation

extension ResultsReport {
    /// The report as aligned plain text for a terminal: a line about the study, then for every
    /// table and group a heading and one line per cell, grouped by row, with a column per
    /// statistic; suppressed values show as `—`, explained in a footnote.
    public func plainText() -> String {
        var lines = [
            "\(study.title) (\(study.id))",
            "Computed \(Self.textDate(computedAt)) from \(Self.grouped(Double(contributors), fractionDigits: 0)) contributor\(contributors == 1 ? "" : "s")"
                + (minimumCellSize.map { "; minimum cell size \($0)" } ?? ""),
        ]
        if let leftOutSentence { lines.append(leftOutSentence) }
        var anySuppressed = false, anyUndefined = false
        // Each table, then its margins as tables of their own.
        for table in tables.flatMap({ table in [table] + (table.margins ?? []).map { Self.marginTable($0, of: table) } }) {
            for group in table.groups {
                lines.append("")
                let (block, suppressed, undefined) = textBlock(table, group: group)
                lines += block
                anySuppressed = anySuppressed || suppressed
                anyUndefined = anyUndefined || undefined
            }
        }
        if anySuppressed || anyUndefined { lines.append("") }
        if anySuppressed {
            let minimum = minimumCellSize.map(String.init) ?? "the minimum number of"
            lines.append("— suppressed: fewer than \(minimum) contributors filled the cell in (or fewer than \(minimum) employees were counted in it);")
            lines.append("  its values were withheld and never revealed to anyone.")
        }
        if anyUndefined { lines.append("n/a: not defined for the cell (for example a mean per employee where no employees were counted).") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One table for one group: a heading, the statistics' names, then the rows and their cells.
    private func textBlock(_ table: Table, group: Group) -> (lines: [String], suppressed: Bool, undefined: Bool) {
        let heading = "\(table.title) [\(table.id)]" + (table.unit.isEmpty ? "" : ", in \(table.unit)") + ": \(group.label)"
        var lines = [heading, String(repeating: "=", count: heading.count)]
        let statistics = table.statistics
        var suppressed = false, undefined = false
        let texts: [[String]] = group.cells.map { cell in
            statistics.map { statistic in
                if cell.suppressed {
                    suppressed = true
                    return "—"
                }
                guard let value = cell.value(of: statistic) else {
                    undefined = true
                    return "n/a"
                }
                return table.formatted(value, statistic)
            }
        }
        let labelWidth = max(table.rows.map(\.count).max() ?? 0, (table.columns.map(\.count).max() ?? 0) + 2)
        let widths = statistics.indices.map { index in
            max(statistics[index].heading.count, texts.map { $0[index].count }.max() ?? 0)
        }
        func line(_ label: String, _ values: [String]) -> String {
            let padded = label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
            let columns = zip(values, widths).map { String(repeating: " ", count: max(0, $1 - $0.count)) + $0 }
            return ([padded] + columns).joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        lines.append(line("", statistics.map(\.heading)))
        for (row, rowLabel) in table.rows.enumerated() {
            lines.append(rowLabel)
            for (column, columnLabel) in table.columns.enumerated() {
                lines.append(line("  " + columnLabel, texts[row * table.columns.count + column]))
            }
        }
        return (lines, suppressed, undefined)
    }

    private static func textDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}

extension ResultsReport {
    /// What `cairn results --gaps` prints when the study declares no comparisons.
    public static let noComparisons = """
        This study declares no comparisons, so there are no gaps to show. A study definition \
        compares groups with "margins" and "comparisons" (docs/STUDY-DEFINITION.md, "Comparisons").

        """

    /// The comparisons as aligned plain text: per comparison its overall sentences, then one line
    /// per gap with both sides' values, the ratio, and the contributors and employees behind each
    /// side; "not enough data" where suppression withheld a total.
    public func gapsText() -> String {
        guard let comparisons, !comparisons.isEmpty else { return Self.noComparisons }
        var lines: [String] = []
        for comparison in comparisons {
            if !lines.isEmpty { lines.append("") }
            let statistic = comparison.statistic.heading.lowercased()
            let heading = "\(comparison.title) [\(comparison.id)]: \(comparison.table), \(statistic)"
                + (comparison.unit.isEmpty ? "" : ", in \(comparison.unit)")
            lines += [heading, String(repeating: "=", count: heading.count)]
            lines += comparison.overall.map(comparison.sentence)
            lines.append("")
            func count(_ value: Double?) -> String { value.map { Self.grouped($0, fractionDigits: 0) } ?? "—" }
            let rows: [[String]] = [["Group of rows", "Compared", "Value", "With", "Value", "Ratio", "Contributors", "Employees"]]
                + comparison.gaps.map { gap in
                    [
                        gap.row, gap.compare.label, gap.compare.value.map(comparison.formatted) ?? "—",
                        gap.with.label, gap.with.value.map(comparison.formatted) ?? "—",
                        gap.ratio.map(comparison.formattedRatio) ?? "not enough data",
                        "\(count(gap.compare.contributors.map(Double.init))) / \(count(gap.with.contributors.map(Double.init)))",
                        "\(count(gap.compare.employees)) / \(count(gap.with.employees))",
                    ]
                }
            let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
            let numeric: Set<Int> = [2, 4, 6, 7]
            for row in rows {
                let padded = row.indices.map { column in
                    let space = String(repeating: " ", count: widths[column] - row[column].count)
                    return numeric.contains(column) ? space + row[column] : row[column] + space
                }
                lines.append(padded.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
            }
        }
        lines += ["", Self.gapsFootnote]
        return lines.joined(separator: "\n") + "\n"
    }

    /// How to read the gap figures, for the text and the page.
    static let gapsFootnote = """
        Ratio: the compared group's value for every 1 of the other's (78 cents: 78 cents for every \
        dollar). "All others" is the All group minus the compared one, worked out from the revealed \
        totals; its contributors are not shown (—) because an employer can have employees in both \
        groups, so they cannot be counted from totals. "Not enough data": a total the comparison \
        needs was suppressed, or all others are fewer employees than the minimum cell size.
        """
}
