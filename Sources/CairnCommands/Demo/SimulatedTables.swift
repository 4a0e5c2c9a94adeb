import CairnArithmetic
import CairnStudy

/// Plausible filled-in tables for any study, for the demo, the benchmark and the tests: headcounts
/// (a third of cells empty of people), money and months that scale with the headcount, so that
/// the study's validation and cross-table rules hold. Not cryptographic: a public, seeded generator.
struct SimulatedTables {
    let definition: StudyDefinition

    /// One contributor's tables. `linkCohorts` are the options the participation link assigned.
    func make(using generator: inout SplitMix64, linkCohorts: [String: String] = [:]) -> FilledTables {
        let tables = definition.tables
        // One headcount grid per shape, shared by every table of that shape, so that zero-together
        // rules between a headcount table and its money tables hold.
        var headcounts: [String: [[Int64]]] = [:]
        func headcountGrid(rows: Int, columns: Int) -> [[Int64]] {
            let shape = "\(rows)x\(columns)"
            if let grid = headcounts[shape] { return grid }
            let grid = (0..<rows).map { _ in
                (0..<columns).map { _ in generator.next() % 3 == 0 ? Int64(0) : Int64(1 + generator.next() % 40) }
            }
            headcounts[shape] = grid
            return grid
        }
        // Tables that must not exceed another come after it.
        let capped = Dictionary(
            definition.allRules.filter { $0.rule == .notGreaterThan && $0.tables.count == 2 }.map { ($0.tables[0], $0.tables[1]) },
            uniquingKeysWith: { first, _ in first })
        let ordered = tables.filter { capped[$0.id] == nil } + tables.filter { capped[$0.id] != nil }
        var values: [String: [[Int64]]] = [:]
        for table in ordered {
            let rows = definition.rowLabels(of: table).count, columns = definition.columnLabels(of: table).count
            let people = headcountGrid(rows: rows, columns: columns)
            var grid: [[Int64]] = []
            for row in 0..<rows {
                var line: [Int64] = []
                for column in 0..<columns {
                    let n = people[row][column]
                    var value: Int64
                    switch table.kind {
                    case .count: value = n
                    case .money: value = n * Int64(30_000 + generator.next() % 130_000)
                    case .months: value = n * Int64(6 + generator.next() % 234)
                    case .number: value = Int64(generator.next() % 101)
                    }
                    if let cap = capped[table.id], let limit = values[cap]?[row][column] {
                        value = limit * Int64(generator.next() % 11) / 100
                    }
                    let rules = definition.cellRules(table: table, row: row, column: column)
                    if let maximum = rules.maximum { value = min(value, Int64(maximum)) }
                    if let minimum = rules.minimum { value = max(value, Int64(minimum.rounded(.up))) }
                    line.append(value)
                }
                grid.append(line)
            }
            values[table.id] = grid
        }
        var cohorts: [String: String] = [:]
        for cohort in definition.allCohorts where !cohort.options.isEmpty {
            cohorts[cohort.id] =
                linkCohorts[cohort.id] ?? cohort.options[Int(generator.next() % UInt64(cohort.options.count))]
        }
        return FilledTables(
            tables: values.mapValues { $0.map { $0.map { String($0) } } }, cohorts: cohorts)
    }
}
