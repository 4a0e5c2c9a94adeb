/// The CSV form of a study's tables, which a contributor fills in with a spreadsheet and submits
/// with `cairn submit --file tables.csv` (see "The CSV form" in `docs/STUDY-DEFINITION.md`):
///
/// ```
/// # Quick start: salaries by team
/// # Which kind of organization are you? Choose one of: Company; Non-profit
/// cohort,sector,Company
///
/// # Number of employees: a number of people, whole numbers, 0 or more, must be filled in
/// employees,Female,Male
/// Engineering,12,15
/// Sales,3,0
/// ```
///
/// Lines starting with `#` and empty lines are ignored. A table starts with a header line: the
/// table's id, then its column labels in order. Each following line is a row: its label, then
/// one cell per column (empty cells are allowed). Rows may come in any order; a row left out is
/// empty. `cohort,<cohort id>,<option>` lines answer the cohort questions.
extension StudyDefinition {
    /// An empty CSV form for the study, with instructions in `#` lines; or, given answers, the
    /// form filled in with them.
    public func csvTemplate(filledWith submission: FilledTables? = nil) -> String {
        var lines: [[String]] = []
        lines.append(["# \(title)"])
        for line in (description ?? "").split(whereSeparator: \.isNewline) where !line.trimmed.isEmpty {
            lines.append(["# \(line.trimmed)"])
        }
        lines.append(["# Fill in the cells and leave empty the ones that do not apply. Keep the labels and the lines that start with a table id as they are."])
        for note in zeroAndEmptyNotes { lines.append(["# \(note)"]) }
        let asked = allCohorts.filter { $0.source == .contributor }
        if !asked.isEmpty {
            lines.append([])
            for cohort in asked {
                lines.append(["# \(cohort.question) Choose one of: \(cohort.options.joined(separator: "; "))"])
                lines.append(["cohort", cohort.id, submission?.cohorts[cohort.id] ?? ""])
            }
        }
        for table in tables {
            lines.append([])
            lines.append(["# \(table.title): \(table.kind.plainDescription), \(ruleSummary(table))"])
            for line in (table.description ?? "").split(whereSeparator: \.isNewline) where !line.trimmed.isEmpty {
                lines.append(["# \(line.trimmed)"])
            }
            lines.append([table.id] + columnLabels(of: table))
            for (row, label) in rowLabels(of: table).enumerated() {
                lines.append([label] + columnLabels(of: table).indices.map { submission?[table.id, row, $0] ?? "" })
            }
        }
        return CSV.write(lines)
    }

    /// How 0 and an empty cell differ, and how each counts towards withholding small results,
    /// for contributors: in the CSV form's `#` lines and, in the same words, on the contributor's
    /// page (`zeroAndEmptyNotes` in `study-form.js`).
    public var zeroAndEmptyNotes: [String] {
        var notes = ["0 and empty differ: write 0 where the answer is zero, and leave a cell empty where it does not apply to you. An empty cell is not counted at all."]
        let minimum = statistics.minimumCellSize
        if let minimum {
            let headcount = tables.contains { $0.headcountTable != nil }
            notes.append("A result is withheld when it has fewer than \(minimum) contributors"
                + (headcount ? " (or covers fewer than \(minimum) employees)." : "."))
            let kinds = Set(tables.map(\.kind))
            if kinds.contains(.count) { notes.append("In tables of numbers of people, a 0 counts as contributing.") }
            if kinds.contains(.money) || kinds.contains(.months) {
                notes.append("In tables of money and of months, only values other than 0 count towards that minimum.")
            }
        }
        if let dominance = statistics.dominance {
            notes.append("A figure is also withheld when one organization holds more than \(Self.format(dominance.percent))% of its total.")
        }
        if minimum != nil || statistics.dominance != nil {
            notes.append("Totals are withheld too when they would give away a withheld figure.")
        }
        return notes
    }

    /// "whole numbers, 0 or more, must be filled in".
    private func ruleSummary(_ table: Table) -> String {
        let rules = CellRules(required: false, minimum: table.kind == .number ? nil : 0, decimalPlaces: 0)
            .overridden(by: table.validation)
        var parts: [String] = []
        let places = rules.decimalPlaces ?? 0
        parts.append(places == 0 ? "whole numbers" : "up to \(places) digit\(places == 1 ? "" : "s") after the decimal point")
        switch (rules.minimum, rules.maximum) {
        case let (minimum?, maximum?): parts.append("from \(Self.format(minimum)) to \(Self.format(maximum))")
        case let (minimum?, nil): parts.append("\(Self.format(minimum)) or more")
        case let (nil, maximum?): parts.append("at most \(Self.format(maximum))")
        case (nil, nil): break
        }
        if rules.required == true { parts.append("must be filled in") }
        if !(table.overrides ?? []).isEmpty { parts.append("some cells have their own limits") }
        return parts.joined(separator: ", ")
    }

    /// Reads a filled-in CSV form and checks the answers.
    ///
    /// - Parameter cohortAnswers: options already known (from the participation link), used for
    ///   cohorts the file does not answer.
    /// - Throws: ``StudyProblems`` listing every problem, each with its line and spreadsheet
    ///   column (`line 7, column D`) and, for cells, the table, row and column.
    public func readCSV(_ text: String, cohortAnswers: [String: String] = [:]) throws -> FilledTables {
        func fail(_ problems: [StudyDefinitionProblem]) -> StudyProblems { StudyProblems(subject: "the CSV file", problems: problems) }
        let records: [CSV.Record]
        do { records = try CSV.read(text) } catch {
            throw fail([StudyDefinitionProblem(place: "line \(error.line), column \(CSV.columnName(error.column))", message: error.message)])
        }
        var problems: [StudyDefinitionProblem] = []
        func report(_ line: Int, _ column: Int, _ message: String) {
            problems.append(StudyDefinitionProblem(place: "line \(line), column \(CSV.columnName(column))", message: message))
        }
        func same(_ a: String, _ b: String) -> Bool { a.trimmed.lowercased() == b.trimmed.lowercased() }

        var submission = emptySubmission()
        var cellLocations: [[Int]: (line: Int, column: Int)] = [:]
        var current: Int?  // the table being read
        var tableLines: [Int: Int] = [:]
        var headerWidths: [Int: Int] = [:]  // fields on each table's header line, padding included
        var refusedRows: Set<[Int]> = []  // rows with more values than columns: not read at all
        var rowLines: [[Int]: Int] = [:]
        var cohortLines: [String: Int] = [:]

        for record in records {
            let fields = record.fields
            let line = record.line
            guard fields.contains(where: { !$0.trimmed.isEmpty }) else { continue }
            let first = fields[0].trimmed
            if first.hasPrefix("#") { continue }
            /// Cells after `count` columns must be empty (spreadsheets pad lines with commas).
            func rejectExtraCells(after count: Int, what: String) {
                if let extra = fields.indices.dropFirst(count).first(where: { !fields[$0].trimmed.isEmpty }) {
                    report(line, extra + 1, "'\(fields[extra].trimmed)' is beyond \(what)")
                }
            }

            if let tableIndex = tables.firstIndex(where: { same($0.id, first) }) {
                let table = tables[tableIndex]
                current = tableIndex
                if let earlier = tableLines[tableIndex] {
                    report(line, 1, "table '\(table.id)' starts again; it already started on line \(earlier)")
                }
                tableLines[tableIndex] = line
                headerWidths[tableIndex] = fields.count
                for (index, label) in columnLabels(of: table).enumerated() {
                    let found = index + 1 < fields.count ? fields[index + 1].trimmed : ""
                    if !same(found, label) {
                        report(line, index + 2, found.isEmpty
                            ? "the column label '\(label)' of table '\(table.id)' is missing"
                            : "expected the column label '\(label)' of table '\(table.id)' but found '\(found)'")
                    }
                }
                rejectExtraCells(after: columnLabels(of: table).count + 1, what: "the last column of table '\(table.id)'")
                continue
            }

            if same(first, "cohort") {
                let id = fields.count > 1 ? fields[1].trimmed : ""
                guard let cohort = allCohorts.first(where: { same($0.id, id) }) else {
                    let known = allCohorts.map { "'\($0.id)'" }.joined(separator: ", ")
                    report(line, 2, "'\(id)' is not a cohort of this study" + (known.isEmpty ? " (it has none)" : "; its cohorts are \(known)"))
                    continue
                }
                if let earlier = cohortLines[cohort.id] {
                    report(line, 1, "cohort '\(cohort.id)' is answered again; it was answered on line \(earlier)")
                }
                cohortLines[cohort.id] = line
                let answer = fields.count > 2 ? fields[2].trimmed : ""
                if answer.isEmpty {
                    report(line, 3, "no option is chosen for \"\(cohort.question)\"; choose one of: " + cohort.options.joined(separator: "; "))
                } else if let option = cohort.options.first(where: { same($0, answer) }) {
                    submission.cohorts[cohort.id] = option
                } else {
                    report(line, 3, "'\(answer)' is not one of the options for \"\(cohort.question)\": " + cohort.options.joined(separator: "; "))
                }
                rejectExtraCells(after: 3, what: "the answer")
                continue
            }

            guard let tableIndex = current else {
                report(line, 1, "'\(first)' comes before any table header; a table starts with a line holding its id ("
                    + tables.map { "'\($0.id)'" }.joined(separator: ", ") + ") and its column labels")
                continue
            }
            let table = tables[tableIndex]
            let rows = rowLabels(of: table), columns = columnLabels(of: table)
            guard let row = rows.firstIndex(where: { same($0, first) }) else {
                report(line, 1, "'\(first)' is not a row of table '\(table.id)' (\(table.title)); its rows are: " + rows.joined(separator: "; "))
                continue
            }
            if let earlier = rowLines[[tableIndex, row]] {
                report(line, 1, "row '\(rows[row])' of table '\(table.id)' appears again; it is already on line \(earlier)")
                continue
            }
            rowLines[[tableIndex, row]] = line
            // A spreadsheet may pad every line with empty cells to the width of its widest line,
            // header lines included; more fields than that (or a value past the last column)
            // means a cell was split, and every value after the split would land one column off.
            let lastFilled = fields.lastIndex { !$0.trimmed.isEmpty } ?? 0
            let width = max(columns.count + 1, headerWidths[tableIndex] ?? 0)
            if lastFilled > columns.count || fields.count > width {
                let values = (fields.count > width ? fields.count : lastFilled + 1) - 1
                problems.append(StudyDefinitionProblem(
                    place: "line \(line)",
                    message: Self.tooManyValuesMessage(row: rows[row], table: table.id, values: values, columns: columns.count, fields: fields)))
                refusedRows.insert([tableIndex, row])
                continue
            }
            for column in columns.indices where column + 1 < fields.count {
                let entry = fields[column + 1].trimmed
                submission[table.id, row, column] = entry.isEmpty ? nil : entry
                cellLocations[[tableIndex, row, column]] = (line, column + 2)
            }
        }

        for cohort in allCohorts where submission.cohorts[cohort.id] == nil && cohortLines[cohort.id] == nil {
            if let answer = cohortAnswers[cohort.id] { submission.cohorts[cohort.id] = answer }
        }
        let missingTables = tables.indices.filter { tableLines[$0] == nil }
        if !missingTables.isEmpty, !records.isEmpty || !tables.isEmpty {
            problems.append(StudyDefinitionProblem(
                place: "", message: "the file has no header line for "
                    + missingTables.map { "table '\(tables[$0].id)' (\(tables[$0].title))" }.joined(separator: ", ")
                    + "; a table starts with a line holding its id and its column labels"))
        }

        // The answers' own problems, placed on the file's lines where the cell is in the file.
        let read = readSubmission(submission, skippingRows: refusedRows) { table, row, column in
            cellLocations[[table, row, column]].map { "line \($0.line), column \(CSV.columnName($0.column))" }
        }
        problems += read.problems.filter { problem in
            // A cohort left unanswered in the file was already reported on its line.
            !allCohorts.contains { cohortLines[$0.id] != nil && problem.place == $0.question }
        }
        guard problems.isEmpty else { throw fail(problems) }
        return submission
    }

    /// Why a row has more values than its table has columns, with the likely cause: `74,607`
    /// written without quotes is two values, `74` and `607`. When exactly one pair of values in
    /// the row could be such a split, it is named as the likely one.
    static func tooManyValuesMessage(row: String, table: String, values count: Int, columns: Int, fields: [String]) -> String {
        func isDigits(_ text: String, _ lengths: ClosedRange<Int>) -> Bool {
            lengths.contains(text.count) && text.allSatisfy { ("0"..."9").contains($0) }
        }
        let values = fields.dropFirst().map(\.trimmed)
        let splits = values.indices.dropLast().filter { isDigits(values[$0], 1...3) && isDigits(values[$0 + 1], 3...3) }
        var example = "like 74,607,", joined = "74607"
        if splits.count == 1, let split = splits.first {
            example = "perhaps \(values[split]),\(values[split + 1]) (columns \(CSV.columnName(split + 2)) and \(CSV.columnName(split + 3)) here),"
            joined = values[split] + values[split + 1]
        }
        return "row '\(row)' of table '\(table)' has \(count) values where the table has \(columns) column\(columns == 1 ? "" : "s"); "
            + "a number written with a thousands separator, \(example) splits into two values — write \(joined) or put it in quotes"
    }
}
