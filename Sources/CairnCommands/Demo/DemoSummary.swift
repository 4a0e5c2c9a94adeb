import CairnAnalytics
import CairnStudy
import Foundation

/// The demo's short account of what the analyst learned.
enum DemoSummary {
    static func print(_ outcome: StudyRehearsal.Outcome, resultsFolder: String) {
        let report = outcome.results
        let cells = report.tables.flatMap { $0.groups.flatMap(\.cells) }
        let suppressed = cells.filter(\.suppressed).count
        Swift.print("The analyst's party learned \(cells.count) cell results (every cell, over all contributors and for")
        Swift.print("each cohort); \(suppressed) of them had too few contributors or employees and were never revealed.")
        // A taste: the first table with a headcount, over all contributors.
        guard let table = outcome.definition.tables.first(where: { $0.headcountTable != nil }) ?? outcome.definition.tables.first
        else { return }
        let lines = report.selecting(table: table.id, groups: [ResultsReport.allContributors]).plainText()
            .split(separator: "\n", omittingEmptySubsequences: false)
        let shown = 24
        Swift.print("")
        for line in lines.prefix(shown) { Swift.print("  " + line) }
        if lines.count > shown {
            Swift.print("  … \(lines.count - shown) more lines: cairn results --dir \(resultsFolder) --table \(table.id)")
        }
        Swift.print("")
    }
}
