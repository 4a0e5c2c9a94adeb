import CairnStudy
import Foundation

/// A study's results as the analyst reads them: every table's cells, labelled, for all
/// contributors and for each cohort option, with values in the units contributors entered them in.
///
/// Made on the recipient from the study's definition and its ``StudyResults`` with
/// ``init(definition:results:computedAt:contributors:)``; ``write(to:)`` puts three files into a
/// folder:
///
/// | file | holds |
/// | --- | --- |
/// | `results.json` | this report, self-describing; ``load(from:)`` reads it back |
/// | `results.csv` | one record per cell per group, for spreadsheets (``csv()``) |
/// | `report.html` | one self-contained page with tables and charts, readable offline (``html()``) |
/// | `margins.csv` | one record per margin cell per group, when the study declares margins (``marginsCSV()``) |
/// | `gaps.csv` | one record per comparison per group compared, when it declares comparisons (``gapsCSV()``) |
///
/// Values are stored in the ring scaled by 10^`decimalPlaces` (see ``CellLayout``); the report
/// divides that back out, so a `number` table with two decimal places shows `2.5`, not `250`.
/// `money` is in whole US dollars, `count` in people, `months` in months.
public struct ResultsReport: Codable, Sendable, Equatable {
    /// The names of the files ``write(to:)`` writes.
    public static let jsonFileName = "results.json"
    public static let csvFileName = "results.csv"
    public static let htmlFileName = "report.html"
    public static let marginsCSVFileName = "margins.csv"
    public static let gapsCSVFileName = "gaps.csv"
    /// The label of the group of all contributors.
    public static let allContributors = "All contributors"

    /// The version of the `results.json` format: `1`.
    public var formatVersion: Int
    public var study: Study
    /// When the parties finished computing, to the second.
    public var computedAt: Date
    /// How many contributors' submissions the computation included.
    public var contributors: Int
    /// How many of them did not follow the study's rules and were left out of every statistic,
    /// checked on the shares so that nobody learns which (``ContributionValidation``); `nil` when
    /// they were not checked (two compute parties).
    public var leftOut: Int?
    /// Cells that fewer contributors filled in (or, for tables with a headcount, with a smaller
    /// summed headcount) were suppressed; `nil` if the study sets no minimum.
    public var minimumCellSize: Int?
    /// The dominance rule: a money or months cell was also suppressed when its largest
    /// contributor held more than this percentage of its total; `nil` if the study sets none.
    public var dominancePercent: Double?
    /// The organizations that computed the results, in party order.
    public var computeParties: [ComputeParty]
    public var tables: [Table]
    /// The study's comparisons (``Comparison``), computed from the margins' revealed totals for
    /// all contributors; `nil` when the study declares none (and in files written before them).
    public var comparisons: [Comparison]?

    /// The study the results are of.
    public struct Study: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var description: String?
    }

    /// A compute party as the report names it.
    public struct ComputeParty: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var role: StudyDefinition.ComputeParty.Role
    }

    /// One table's results: for all contributors, then for each cohort option.
    public struct Table: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var description: String?
        public var kind: StudyDefinition.Kind
        /// The unit of the values: `US dollars`, `people`, `months`, or empty for `number` tables.
        public var unit: String
        /// The most digits after the decimal point any cell of the table allows (0 but for
        /// `number` tables with `decimalPlaces`).
        public var decimalPlaces: Int
        public var rows: [String]
        public var columns: [String]
        /// The statistics computed for the table, in the order of ``StudyDefinition/Statistic``.
        public var statistics: [StudyDefinition.Statistic]
        /// The `count` table whose cells divide this one's for ``Cell/meanPerEmployee``.
        public var headcountTable: String?
        /// ``ResultsReport/allContributors`` first, then each cohort option.
        public var groups: [Group]
        /// The study's margins that total this table, in the study's order; `nil` if none does.
        public var margins: [Margin]?
    }

    /// The cells of a table for a group of contributors.
    public struct Group: Codable, Sendable, Equatable {
        /// ``ResultsReport/allContributors``, or the cohort and option, e.g. `industry: Retail`.
        public var label: String
        /// The cohort's id; `nil` for all contributors.
        public var cohort: String?
        /// The cohort option; `nil` for all contributors.
        public var option: String?
        /// Every cell of the table, row by row.
        public var cells: [Cell]
    }

    /// One cell's statistics, in the table's unit. Absent statistics are `nil`: not computed for
    /// the table, not defined (a mean over no one), or withheld because the cell is suppressed.
    public struct Cell: Codable, Sendable, Equatable {
        public var row: String
        public var column: String
        /// Withheld: fewer contributors than the minimum cell size filled the cell in, or its
        /// summed headcount is below it. Every statistic is then `nil`, and was never revealed.
        public var suppressed: Bool
        /// The number of contributors who filled the cell in.
        public var contributors: Int?
        /// For money and months: the contributors whose value is not zero, the ones that count
        /// towards the minimum cell size.
        public var nonzeroContributors: Int?
        public var sum: Double?
        public var mean: Double?
        public var meanPerEmployee: Double?
        public var standardDeviation: Double?

        public init(
            row: String, column: String, suppressed: Bool, contributors: Int? = nil, nonzeroContributors: Int? = nil,
            sum: Double? = nil, mean: Double? = nil, meanPerEmployee: Double? = nil, standardDeviation: Double? = nil
        ) {
            self.nonzeroContributors = nonzeroContributors
            self.row = row
            self.column = column
            self.suppressed = suppressed
            self.contributors = contributors
            self.sum = sum
            self.mean = mean
            self.meanPerEmployee = meanPerEmployee
            self.standardDeviation = standardDeviation
        }

        /// The value of a statistic (the contributor count as a number), `nil` if absent.
        public func value(of statistic: StudyDefinition.Statistic) -> Double? {
            guard !suppressed else { return nil }
            switch statistic {
            case .count: return contributors.map(Double.init)
            case .sum: return sum
            case .mean: return mean
            case .meanPerEmployee: return meanPerEmployee
            case .standardDeviation: return standardDeviation
            }
        }
    }
}

extension ResultsReport {
    /// The report of a study's results.
    ///
    /// - Parameters:
    ///   - definition: the study, for its title, tables, labels, units, cohorts and parties.
    ///   - results: what the computation revealed to the recipient (scaled ring values).
    ///   - computedAt: when the computation finished; kept to the second.
    ///   - contributors: how many contributors' submissions were included.
    public init(definition: StudyDefinition, results: StudyResults, computedAt: Date, contributors: Int) {
        formatVersion = 1
        study = Study(id: definition.id, title: definition.title, description: definition.description)
        self.computedAt = Date(timeIntervalSince1970: computedAt.timeIntervalSince1970.rounded(.down))
        self.contributors = contributors
        leftOut = results.leftOut
        minimumCellSize = definition.statistics.minimumCellSize
        dominancePercent = definition.dominancePercent
        computeParties = definition.computeParties.map { ComputeParty(id: $0.id, name: $0.name, role: $0.role) }

        struct Key: Hashable {
            var table: String, row: Int, column: Int, cohort: String?, margin: String? = nil
        }
        var revealed: [Key: StudyResults.Cell] = [:]
        for cell in results.cells {
            revealed[Key(table: cell.table, row: cell.row, column: cell.column, cohort: cell.cohort, margin: cell.margin)] = cell
        }
        let groups: [(label: String, cohort: String?, option: String?)] = [(Self.allContributors, nil, nil)]
            + definition.allCohorts.flatMap { cohort in cohort.options.map { ("\(cohort.id): \($0)", cohort.id, $0) } }

        tables = definition.tables.map { table in
            let rows = definition.rowLabels(of: table), columns = definition.columnLabels(of: table)
            var scales: [[Double]] = [], places = 0
            for row in rows.indices {
                scales.append(columns.indices.map { column in
                    let cellPlaces = definition.cellRules(table: table, row: row, column: column).decimalPlaces ?? 0
                    places = max(places, cellPlaces)
                    return (0..<cellPlaces).reduce(1.0) { product, _ in product * 10 }
                })
            }
            let wanted = definition.statistics(for: table)
            return Table(
                id: table.id, title: table.title, description: table.description, kind: table.kind,
                unit: Self.unit(of: table.kind), decimalPlaces: places, rows: rows, columns: columns,
                statistics: StudyDefinition.Statistic.allCases.filter(wanted.contains), headcountTable: table.headcountTable,
                groups: groups.map { group in
                    var cells: [Cell] = []
                    for (row, rowLabel) in rows.enumerated() {
                        for (column, columnLabel) in columns.enumerated() {
                            let key = Key(table: table.id, row: row, column: column, cohort: group.cohort == nil ? nil : group.label)
                            cells.append(Self.cell(revealed[key], row: rowLabel, column: columnLabel, scale: scales[row][column]))
                        }
                    }
                    return Group(label: group.label, cohort: group.cohort, option: group.option, cells: cells)
                },
                margins: Self.margins(of: table, definition: definition, groups: groups, scale: scales) { margin, row, column, cohort in
                    revealed[Key(table: table.id, row: row, column: column, cohort: cohort, margin: margin)]
                })
        }
        let declared = definition.allComparisons
        comparisons = declared.isEmpty ? nil : declared.map { Self.comparison(of: $0, definition: definition, tables: tables) }
    }

    /// A revealed cell in the table's unit; a suppressed cell keeps no value.
    static func cell(_ result: StudyResults.Cell?, row: String, column: String, scale: Double) -> Cell {
        guard let result, !result.suppressed else { return Cell(row: row, column: column, suppressed: result != nil) }
        return Cell(
            row: row, column: column, suppressed: false, contributors: result.contributors,
            nonzeroContributors: result.nonzeroContributors, sum: result.sum.map { Double($0) / scale }, mean: result.mean.map { $0 / scale },
            meanPerEmployee: result.meanPerEmployee.map { $0 / scale },
            standardDeviation: result.standardDeviation.map { $0 / scale })
    }

    /// The unit a kind's values are entered in.
    static func unit(of kind: StudyDefinition.Kind) -> String {
        switch kind {
        case .count: "people"
        case .money: "US dollars"
        case .months: "months"
        case .number: ""
        }
    }
}

// MARK: - Files

/// Why a results folder cannot be read.
public enum ResultsReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder holds no `results.json`.
    case noResults(folder: String)
    /// `results.json` is there but is not a results file.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .noResults(let folder):
            "no results in \(folder): the analyst's party writes them there when the computation finishes (cairn compute)"
        case .unreadable(let path, let reason):
            "\(path) is not a Cairn results file: \(reason)"
        }
    }
}

extension ResultsReport {
    /// Writes `results.json`, `results.csv` and `report.html` into `folder` (and `margins.csv`
    /// and `gaps.csv` when the study has margins and comparisons), creating it if needed and
    /// replacing files of those names. The folder is made `0700` before anything is written
    /// into it, and the files `0600`: the results are the analyst's alone.
    public func write(to folder: URL) throws {
        let files = FileManager.default
        try files.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path)
        var contents = [
            (Self.jsonFileName, jsonData()), (Self.csvFileName, Data(csv().utf8)), (Self.htmlFileName, Data(html().utf8)),
        ]
        if tables.contains(where: { $0.margins != nil }) { contents.append((Self.marginsCSVFileName, Data(marginsCSV().utf8))) }
        if comparisons != nil { contents.append((Self.gapsCSVFileName, Data(gapsCSV().utf8))) }
        for (name, data) in contents {
            let url = folder.appendingPathComponent(name)
            try data.write(to: url, options: .atomic)
            try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        }
    }

    /// Reads the `results.json` that ``write(to:)`` wrote into `folder`.
    ///
    /// - Throws: ``ResultsReportError``.
    public static func load(from folder: URL) throws(ResultsReportError) -> ResultsReport {
        let url = folder.appendingPathComponent(jsonFileName)
        guard FileManager.default.fileExists(atPath: url.path) else { throw .noResults(folder: folder.path) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .unreadable(path: url.path, reason: "\(error)") }
        return try decode(data, path: url.path)
    }

    /// A report from the contents of a `results.json`.
    public static func decode(_ data: Data, path: String = jsonFileName) throws(ResultsReportError) -> ResultsReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let report: ResultsReport
        do { report = try decoder.decode(ResultsReport.self, from: data) } catch {
            throw .unreadable(path: path, reason: Self.describe(error))
        }
        guard report.formatVersion == 1 else {
            throw .unreadable(path: path, reason: "format version \(report.formatVersion) is newer than this cairn reads (1)")
        }
        for table in report.tables {
            for group in table.groups where group.cells.count != table.rows.count * table.columns.count {
                throw .unreadable(
                    path: path,
                    reason: "table \(table.id), \(group.label): \(group.cells.count) cells for \(table.rows.count) rows × \(table.columns.count) columns")
            }
            for margin in table.margins ?? [] {
                for group in margin.groups where group.cells.count != margin.rows.count * margin.columns.count {
                    throw .unreadable(
                        path: path,
                        reason: "table \(table.id), margin \(margin.id), \(group.label): \(group.cells.count) cells for \(margin.rows.count) rows × \(margin.columns.count) columns")
                }
            }
        }
        return report
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .dataCorrupted(let context): return context.underlyingError.map { "\($0)" } ?? context.debugDescription
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}

// MARK: - Selecting

extension ResultsReport {
    /// The table with this id.
    public func table(_ id: String) -> Table? { tables.first { $0.id == id } }

    /// The labels of the groups: ``allContributors``, then each cohort option.
    public var groupLabels: [String] { tables.first?.groups.map(\.label) ?? [Self.allContributors] }

    /// The group label `text` names: a label (`industry: Retail`), an option alone (`Retail`),
    /// `all`, or the start of exactly one of these; letter case and spaces around `:` do not
    /// matter. `nil` if it names none or several.
    public func groupLabel(matching text: String) -> String? {
        func normalized(_ text: String) -> String {
            text.lowercased().split(separator: ":", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ": ")
        }
        let wanted = normalized(text)
        guard !wanted.isEmpty else { return nil }
        if wanted == "all" { return Self.allContributors }
        let options = tables.first?.groups.map { group in (group.label, [group.label, group.option].compactMap { $0 }.map(normalized)) } ?? []
        if let exact = options.first(where: { $0.1.contains(wanted) }) { return exact.0 }
        let started = options.filter { $0.1.contains { $0.hasPrefix(wanted) } }
        return started.count == 1 ? started[0].0 : nil
    }

    /// The report with only the table `table` (all if `nil`) and only the groups labelled
    /// `groups` (all if `nil`).
    public func selecting(table: String? = nil, groups: [String]? = nil) -> ResultsReport {
        var selected = self
        selected.tables = tables.filter { table == nil || $0.id == table }.map { table in
            var table = table
            if let groups {
                table.groups = table.groups.filter { groups.contains($0.label) }
                table.margins = table.margins?.map { margin in
                    var margin = margin
                    margin.groups = margin.groups.filter { groups.contains($0.label) }
                    return margin
                }
            }
            return table
        }
        return selected
    }
}

extension ResultsReport {
    /// The sentence about the contributions left out for breaking the study's rules, or `nil`
    /// when none was (or they were not checked).
    public var leftOutSentence: String? {
        guard let leftOut, leftOut > 0 else { return nil }
        return leftOut == 1
            ? "1 contribution did not follow the study's rules and was left out; nobody learns which."
            : "\(Self.grouped(Double(leftOut), fractionDigits: 0)) contributions did not follow the study's rules and were left out; nobody learns which."
    }
}
