import CairnArithmetic
import CairnStudy

/// Plausible filled-in tables for any study, for the demo, the benchmark and the tests: headcounts,
/// money and months that scale with the headcount, so that the study's validation and cross-table
/// rules hold. Employers differ in how many cells they fill, and some columns are rare everywhere
/// (the groups small in most workforces, such as Native Hawaiian or Other Pacific Islander or
/// non-binary employees; for other labels, chosen by chance), so that some cells have too few
/// contributors, as in a real study. Cells without people are left
/// empty where the rules allow it. Pay has the gaps real studies find: per employee, women are paid
/// about 80–85% of what men are paid in the same job category and people of most races and
/// ethnicities less than White employees (``payFactor(ofColumn:)``); higher rows (the EEO-1 list
/// starts with executives) pay more; some employers pay no performance pay at all. Not
/// cryptographic: a public, seeded generator.
struct SimulatedTables {
    let definition: StudyDefinition
    /// How common each column is, by column count and index: the same for every contributor.
    private let columnWeights: [Int: [Double]]

    init(definition: StudyDefinition) {
        self.definition = definition
        var generator = SplitMix64(seed: 0x5EED)
        var weights: [Int: [Double]] = [:]
        for table in definition.tables {
            let labels = definition.columnLabels(of: table)
            if weights[labels.count] == nil {
                // Groups that are small in most workforces are rare; other labels are rare by chance.
                weights[labels.count] = labels.map { label in
                    let parts = Set(label.lowercased().components(separatedBy: StudyDefinition.Labels.combinationSeparator))
                    let known = !parts.isDisjoint(with: Self.commonGroups) || !parts.isDisjoint(with: Self.rareGroups)
                    let rare = known ? !parts.isDisjoint(with: Self.rareGroups) : generator.next() % 5 == 0
                    return rare ? 0.08 : 0.5 + Double(generator.next() % 50) / 100
                }
            }
        }
        columnWeights = weights
    }

    /// One contributor's tables. `linkCohorts` are the options the participation link assigned.
    func make(using generator: inout SplitMix64, linkCohorts: [String: String] = [:]) -> FilledTables {
        let tables = definition.tables
        let density = 0.4 + Double(generator.next() % 60) / 100
        // How well this employer pays, and whether it pays performance pay (bonuses) at all.
        let employerPay = 0.8 + Double(generator.next() % 41) / 100
        let paysBonus = generator.next() % 5 < 3
        // One headcount grid per shape, shared by every table of that shape, so that zero-together
        // rules between a headcount table and its money tables hold.
        var headcounts: [String: [[Int64]]] = [:]
        func headcountGrid(rows: Int, columns: Int) -> [[Int64]] {
            let shape = "\(rows)x\(columns)"
            if let grid = headcounts[shape] { return grid }
            let weights = columnWeights[columns] ?? []
            let grid = (0..<rows).map { _ in
                (0..<columns).map { column -> Int64 in
                    let occupied = Double(generator.next() % 1000) / 1000 < density * weights[column]
                    return occupied ? Int64(1 + generator.next() % 40) : 0
                }
            }
            headcounts[shape] = grid
            return grid
        }
        // Tables that must not exceed another come after it.
        let capped = Dictionary(
            definition.allRules.filter { $0.rule == .notGreaterThan && $0.tables.count == 2 }.map { ($0.tables[0], $0.tables[1]) },
            uniquingKeysWith: { first, _ in first })
        let ordered = tables.filter { capped[$0.id] == nil } + tables.filter { capped[$0.id] != nil }
        var values: [String: [[Int64]]] = [:], filled: [String: [[String?]]] = [:]
        for table in ordered {
            let rows = definition.rowLabels(of: table).count, columns = definition.columnLabels(of: table).count
            let people = headcountGrid(rows: rows, columns: columns)
            let columnLabels = definition.columnLabels(of: table)
            var grid: [[Int64]] = [], text: [[String?]] = []
            for row in 0..<rows {
                var line: [Int64] = [], textLine: [String?] = []
                for column in 0..<columns {
                    let n = people[row][column]
                    var value: Int64
                    switch table.kind {
                    case .count: value = n
                    case .money:
                        let noise = 0.9 + Double(generator.next() % 21) / 100
                        let perEmployee = rowPay(row, of: rows) * employerPay * noise * payFactor(ofColumn: columnLabels[column])
                        value = n * Int64(perEmployee.rounded())
                    case .months: value = n * Int64(6 + generator.next() % 234)
                    case .number: value = Int64(generator.next() % 101)
                    }
                    if let cap = capped[table.id], let limit = values[cap]?[row][column] {
                        value = paysBonus ? limit * Int64(generator.next() % 11) / 100 : 0
                    }
                    let rules = definition.cellRules(table: table, row: row, column: column)
                    if let maximum = rules.maximum { value = min(value, Int64(maximum)) }
                    if let minimum = rules.minimum { value = max(value, Int64(minimum.rounded(.up))) }
                    line.append(value)
                    // A cell without people is left empty where allowed (zero and empty count alike
                    // in the cross-table rules).
                    textLine.append(n == 0 && value == 0 && rules.required != true ? nil : String(value))
                }
                grid.append(line)
                text.append(textLine)
            }
            values[table.id] = grid
            filled[table.id] = text
        }
        var cohorts: [String: String] = [:]
        for cohort in definition.allCohorts where !cohort.options.isEmpty {
            cohorts[cohort.id] =
                linkCohorts[cohort.id] ?? cohort.options[Int(generator.next() % UInt64(cohort.options.count))]
        }
        return FilledTables(tables: filled, cohorts: cohorts)
    }

    /// Pay per employee in row `row` of `rows` before the other factors: from $155,000 in the
    /// first row down to $45,000 in the last.
    private func rowPay(_ row: Int, of rows: Int) -> Double {
        rows <= 1 ? 80_000 : 45_000 + 110_000 * Double(rows - 1 - row) / Double(rows - 1)
    }

    /// How a column's pay per employee compares with that of White men, from the gender and the
    /// race/ethnicity its label names (each part of a combined label, e.g. `Asian / Female`);
    /// 1 for labels that name neither. Roughly the gaps US pay-equity studies report.
    func payFactor(ofColumn label: String) -> Double {
        label.components(separatedBy: StudyDefinition.Labels.combinationSeparator).reduce(1.0) { factor, part in
            factor * (Self.payFactors[part.lowercased()] ?? 1)
        }
    }

    /// Race/ethnicity and gender groups few employers have in a job category, and common ones.
    private static let rareGroups: Set<String> = [
        "native hawaiian or other pacific islander", "american indian or alaska native", "non-binary",
    ]
    private static let commonGroups: Set<String> = [
        "white", "hispanic or latino", "black or african american", "asian", "two or more races", "other/unknown",
        "female", "male",
    ]

    private static let payFactors: [String: Double] = [
        "female": 0.83, "women": 0.83, "non-binary": 0.88,
        "hispanic or latino": 0.86, "black or african american": 0.84, "native hawaiian or other pacific islander": 0.88,
        "asian": 1.03, "american indian or alaska native": 0.85, "two or more races": 0.93, "other/unknown": 0.95,
    ]
}
