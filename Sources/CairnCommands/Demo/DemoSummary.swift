import CairnAnalytics
import CairnStudy
import Foundation

/// The demo's short account of what the analyst learned.
enum DemoSummary {
    static func print(_ outcome: StudyRehearsal.Outcome) {
        let definition = outcome.definition
        let all = outcome.results.cells.filter { $0.cohort == nil }
        let suppressed = all.filter(\.suppressed).count
        Swift.print("The analyst learned, for each of the \(all.count) cells over all contributors and for each cohort, the")
        Swift.print("declared statistics; \(suppressed) cells had too few contributors or employees and stayed secret.")
        guard let table = definition.tables.first(where: { $0.headcountTable != nil }) else { return }
        let rows = definition.rowLabels(of: table), columns = definition.columnLabels(of: table)
        Swift.print("\nFor example, \(table.title.lowercased()), mean per employee, over all contributors:")
        for (row, label) in rows.enumerated().prefix(4) {
            let values = all.filter { $0.table == table.id && $0.row == row }.prefix(3).map { cell -> String in
                let name = columns[cell.column]
                guard let value = cell.meanPerEmployee else { return "\(name): suppressed" }
                return "\(name): \(String(format: "%.0f", value))"
            }
            Swift.print("  \(label): " + values.joined(separator: ", ") + (columns.count > 3 ? ", …" : ""))
        }
        Swift.print("")
    }
}
