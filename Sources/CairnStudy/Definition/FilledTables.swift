/// A contributor's answers to a study: what they typed in each cell of each table, and the
/// option of each cohort. Checked with ``StudyDefinition/validate(submission:)`` and turned into
/// ring elements with ``StudyDefinition/cellVector(for:)``.
///
/// Cells hold the text as typed (`"52,000"`), or `nil` when left empty, so that problems can
/// quote it. In JSON a cell may be a number, a string or `null`:
///
/// ```json
/// {"tables": {"employees": [[3, null], ["12", 0]]}, "cohorts": {"industry": "Finance and insurance"}}
/// ```
public struct FilledTables: Codable, Sendable, Equatable {
    /// By table id: one array per row, one entry per column.
    public var tables: [String: [[String?]]]
    /// By cohort id: the option chosen (its label, as in the definition).
    public var cohorts: [String: String]

    public init(tables: [String: [[String?]]] = [:], cohorts: [String: String] = [:]) {
        self.tables = tables
        self.cohorts = cohorts
    }

    /// The entry at `row`, `column` (indices) of a table, or `nil` if empty or absent. Setting a
    /// cell of a table that is absent or too small grows it with empty cells.
    public subscript(table: String, row: Int, column: Int) -> String? {
        get {
            guard let rows = tables[table], row < rows.count, column < rows[row].count else { return nil }
            return rows[row][column]
        }
        set {
            var rows = tables[table] ?? []
            while rows.count <= row { rows.append([]) }
            while rows[row].count <= column { rows[row].append(nil) }
            rows[row][column] = newValue
            tables[table] = rows
        }
    }

    private enum Keys: String, CodingKey { case tables, cohorts }

    /// A cell in JSON: a number, a string or null.
    private struct Entry: Codable {
        var text: String?
        init(text: String?) { self.text = text }
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { text = nil }
            else if let integer = try? container.decode(Int64.self) { text = String(integer) }
            else if let number = try? container.decode(Double.self) { text = String(number) }
            else { text = try container.decode(String.self) }
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            if let text { try container.encode(text) } else { try container.encodeNil() }
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let entries = try container.decodeIfPresent([String: [[Entry]]].self, forKey: .tables) ?? [:]
        tables = entries.mapValues { $0.map { $0.map(\.text) } }
        cohorts = try container.decodeIfPresent([String: String].self, forKey: .cohorts) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(tables.mapValues { $0.map { $0.map(Entry.init(text:)) } }, forKey: .tables)
        try container.encode(cohorts, forKey: .cohorts)
    }
}

extension StudyDefinition {
    /// Answers with every cell empty and no cohort chosen.
    public func emptySubmission() -> FilledTables {
        FilledTables(tables: Dictionary(uniqueKeysWithValues: tables.map { table in
            (table.id, Array(repeating: Array(repeating: nil, count: columnLabels(of: table).count), count: rowLabels(of: table).count))
        }))
    }

    /// Every problem with a contributor's answers, naming the table (by title), row and column:
    /// `Total annual compensation, row 'Professionals', column 'Asian / Female': 1.5 is not a whole number`.
    /// Empty if the answers can be submitted.
    public func validate(submission: FilledTables) -> [StudyDefinitionProblem] {
        readSubmission(submission).problems
    }

    /// `Total annual compensation, row 'Professionals', column 'Asian / Female'`.
    func cellPlace(table: Int, row: Int, column: Int) -> String {
        let table = tables[table]
        return "\(table.title), row '\(rowLabels(of: table)[row])', column '\(columnLabels(of: table)[column])'"
    }

    /// The answers read into scaled integers (`nil` for empty cells, table by table, row-major)
    /// and the index of each cohort's option, with every problem found.
    ///
    /// - Parameter location: where a cell (table, row and column indices) was read from, such
    ///   as `line 7, column D` of a CSV file; `nil` for cells that were not in a file. Problems
    ///   with a cell put it before the cell's table, row and column.
    /// - Parameter skippedRows: rows (table and row indices) already refused as a whole, whose
    ///   cells are neither checked nor compared by the cross-table rules.
    func readSubmission(
        _ submission: FilledTables, skippingRows skippedRows: Set<[Int]> = [],
        location: (Int, Int, Int) -> String? = { _, _, _ in nil }
    ) -> (values: [[[Int64?]]], cohortChoices: [Int?], problems: [StudyDefinitionProblem]) {
        var problems: [StudyDefinitionProblem] = []
        func report(_ place: String, _ message: String) { problems.append(StudyDefinitionProblem(place: place, message: message)) }
        func place(_ table: Int, _ row: Int, _ column: Int) -> String {
            let cell = cellPlace(table: table, row: row, column: column)
            return location(table, row, column).map { "\($0) (\(cell))" } ?? cell
        }
        /// A rule's cells, which share a row and column: `line 4, column C and line 8, column C
        /// (Number of employees and Total annual salaries, row 'Sales', column 'Male')`.
        func rulePlace(_ involved: [Int], _ row: Int, _ column: Int) -> String {
            let first = tables[involved[0]]
            let cells = involved.map { tables[$0].title }.joined(separator: " and ")
                + ", row '\(rowLabels(of: first)[row])', column '\(columnLabels(of: first)[column])'"
            let lines = involved.compactMap { location($0, row, column) }
            return lines.isEmpty ? cells : "\(lines.joined(separator: " and ")) (\(cells))"
        }

        for id in submission.tables.keys.sorted() where table(id) == nil {
            report("table \"\(id)\"", "is not a table of this study")
        }
        var values: [[[Int64?]]] = []
        for (tableIndex, table) in tables.enumerated() {
            let rows = rowLabels(of: table), columns = columnLabels(of: table)
            let entries = submission.tables[table.id] ?? []
            if entries.count > rows.count {
                report(table.title, "has \(entries.count) rows, but the study's table has \(rows.count)")
            }
            for (row, cells) in entries.prefix(rows.count).enumerated() where cells.count > columns.count {
                report("\(table.title), row '\(rows[row])'", "has \(cells.count) columns, but the study's table has \(columns.count)")
            }
            var tableValues: [[Int64?]] = []
            for row in rows.indices {
                var rowValues: [Int64?] = []
                for column in columns.indices {
                    guard !skippedRows.contains([tableIndex, row]) else {
                        rowValues.append(nil)
                        continue
                    }
                    let entry = row < entries.count && column < entries[row].count ? entries[row][column] : nil
                    let (value, problem) = readCell(entry, rules: cellRules(table: table, row: row, column: column), kind: table.kind)
                    if let problem { report(place(tableIndex, row, column), problem) }
                    rowValues.append(value)
                }
                tableValues.append(rowValues)
            }
            values.append(tableValues)
        }

        // Cross-table rules, on the cells that could be read.
        let index = Dictionary(uniqueKeysWithValues: tables.enumerated().map { ($1.id, $0) })
        for rule in allRules {
            let listed = rule.tables.compactMap { index[$0] }
            guard let first = listed.first else { continue }
            let shape = values[first]
            for row in shape.indices where !listed.contains(where: { skippedRows.contains([$0, row]) }) {
                for column in shape[row].indices {
                    let cells = listed.map { (table: $0, value: values[$0][row][column], entry: submission[tables[$0].id, row, column]) }
                    switch rule.rule {
                    case .zeroTogether:
                        let zero = cells.filter { ($0.value ?? 0) == 0 && !isUnreadable($0.entry, $0.value) }
                        let nonzero = cells.filter { ($0.value ?? 0) != 0 }
                        if let z = zero.first, let n = nonzero.first {
                            let zeroText = z.value == nil ? "empty" : "0"
                            report(rulePlace([z.table, n.table].sorted(), row, column),
                                "\(tables[z.table].title) is \(zeroText) but \(tables[n.table].title) is \(n.entry!.trimmed); "
                                + "these must be zero (or empty) together")
                        }
                    case .notGreaterThan:
                        guard cells.count == 2, let small = cells[0].value, let large = cells[1].value else { continue }
                        if small > large {
                            report(rulePlace([cells[0].table, cells[1].table], row, column),
                                "\(tables[cells[0].table].title) (\(cells[0].entry!.trimmed)) is greater than \(tables[cells[1].table].title) (\(cells[1].entry!.trimmed))")
                        }
                    }
                }
            }
        }

        // Cohorts.
        for id in submission.cohorts.keys.sorted() where !allCohorts.contains(where: { $0.id == id }) {
            report("cohort \"\(id)\"", "is not a cohort of this study")
        }
        var choices: [Int?] = []
        for cohort in allCohorts {
            guard let answer = submission.cohorts[cohort.id] else {
                report(cohort.question, "no option was chosen")
                choices.append(nil)
                continue
            }
            let choice = cohort.options.firstIndex(of: answer)
                ?? cohort.options.firstIndex { $0.lowercased() == answer.trimmed.lowercased() }
            if choice == nil {
                report(cohort.question, "'\(answer)' is not one of the options: " + cohort.options.map { "'\($0)'" }.joined(separator: ", "))
            }
            choices.append(choice)
        }
        return (values, choices, problems)
    }

    private func isUnreadable(_ entry: String?, _ value: Int64?) -> Bool {
        value == nil && !(entry ?? "").trimmed.isEmpty
    }

    /// One cell's scaled value (`nil` if empty or unreadable) and what is wrong with it.
    private func readCell(_ entry: String?, rules: CellRules, kind: Kind) -> (Int64?, String?) {
        let text = (entry ?? "").trimmed
        guard !text.isEmpty else {
            return (nil, rules.required == true ? "is empty, but this cell must be filled in" : nil)
        }
        guard let number = TypedNumber.parse(text) else {
            return (nil, "'\(text)' is not a number")
        }
        let places = rules.decimalPlaces ?? 0
        if number.fractionDigits.count > places {
            return (nil, places == 0
                ? "\(text) is not a whole number" + (kind == .money ? " (amounts are in whole dollars, without cents)" : "")
                : "\(text) has more than \(places) digit\(places == 1 ? "" : "s") after the decimal point")
        }
        let scale = Double((0..<places).reduce(Int64(1)) { product, _ in product * 10 })
        guard let value = number.scaled(by: places), value.magnitude <= Self.largestMagnitude.magnitude else {
            return (nil, "\(text) is too large: the largest allowed is \(Self.format(Double(Self.largestMagnitude) / scale)) in magnitude")
        }
        let real = Double(value) / scale
        if let minimum = rules.minimum, real < minimum {
            return (nil, minimum == 0 && kind != .number ? "\(text) is negative, but \(kind.plainDescription) cannot be" : "\(text) is less than the minimum, \(Self.format(minimum))")
        }
        if let maximum = rules.maximum, real > maximum {
            return (nil, "\(text) is more than the maximum, \(Self.format(maximum))")
        }
        return (value, nil)
    }
}
