import ArgumentParser
@testable import CairnAnalytics
import CairnStudy
import Foundation
import Testing
@testable import CairnCommands

@Suite("cairn results")
struct ResultsCommandTests {
    /// The quick-start study's results: every contributor count 4, except Sales / Female and
    /// every sector but Company, which are suppressed.
    static func writeResults() throws -> URL {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let definition = try StudyDefinition.load(from: root.appendingPathComponent("examples/quickstart.json").path)
        let cohorts: [String?] = [nil] + definition.allCohorts[0].options.map { "sector: \($0)" }
        var cells: [StudyResults.Cell] = []
        for cell in definition.cellLayout.cells {
            for cohort in cohorts {
                let suppressed = (cell.row == 1 && cell.column == 0) || (cohort != nil && cohort != "sector: Company")
                var result = StudyResults.Cell(table: cell.table, row: cell.row, column: cell.column, cohort: cohort, suppressed: suppressed)
                if !suppressed {
                    let employees = Int64(10 + 10 * cell.row + cell.column)
                    let sum = cell.table == "employees" ? employees : employees * 85_000
                    result.contributors = 4
                    result.sum = sum
                    result.mean = Double(sum) / 4
                    if cell.table == "salaries" { result.meanPerEmployee = Double(sum) / Double(employees) }
                }
                cells.append(result)
            }
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-results-command-\(UUID().uuidString)")
        let report = ResultsReport(
            definition: definition, results: StudyResults(cells: cells),
            computedAt: Date(timeIntervalSince1970: 1_741_964_966), contributors: 12)
        try report.write(to: folder)
        return folder
    }

    /// Runs `body` with a folder of results, then removes the folder.
    static func withResults(_ body: (URL) throws -> Void) throws {
        let folder = try writeResults()
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }

    func output(_ arguments: [String]) throws -> String {
        let command = try #require(try CairnCommand.parseAsRoot(["results"] + arguments) as? ResultsCommand)
        return try command.output()
    }

    @Test("Text: an aligned table per table with labels, values in units and a footnote")
    func text() throws {
        try Self.withResults { folder in
            let text = try output(["--dir", folder.path])
            #expect(text.hasPrefix("Quick start: salaries by team and gender (quickstart)\nComputed 2025-03-14 15:09 UTC from 12 contributors; minimum cell size 3\n"))
            #expect(text.contains("""
                Total annual salaries [salaries], in US dollars: All contributors
                =================================================================
                             Contributors         Sum      Mean  Mean per employee
                Engineering
                  Female                4    $850,000  $212,500            $85,000
                  Male                  4    $935,000  $233,750            $85,000
                Sales
                  Female                —           —         —                  —
                  Male                  4  $1,785,000  $446,250            $85,000

                """))
            #expect(text.contains("Number of employees [employees], in people: All contributors"))
            #expect(!text.contains(": sector: Company\n"))  // all contributors only, unless asked
            #expect(text.contains("— suppressed: fewer than 3 contributors filled the cell in"))
            #expect(text.contains("Also by sector: \"Company\", \"Non-profit\", \"Public sector\".\nShow one with --cohort \"sector: Company\".\n"))
            #expect(text.hasSuffix("Report with charts: \(folder.standardizedFileURL.path)/report.html\n"))
        }
    }

    @Test("One table for one cohort option")
    func tableAndCohort() throws {
        try Self.withResults { folder in
            let text = try output(["--dir", folder.path, "--table", "employees", "--cohort", "company"])
            #expect(text.contains("Number of employees [employees], in people: sector: Company"))
            #expect(!text.contains("Total annual salaries"))
            #expect(!text.contains("All contributors"))
            #expect(text.contains("  Male                  4   11   2.8\n"))
        }
    }

    @Test("CSV and JSON print the selected cells as data")
    func formats() throws {
        try Self.withResults { folder in
            let csv = try output(["--dir", folder.path, "--format", "csv", "--table", "salaries"])
            let records = try CSV.read(csv).map(\.fields)
            #expect(records.first == ["table", "cohort", "row", "column", "suppressed", "contributors", "sum", "mean", "mean_per_employee", "standard_deviation"])
            #expect(records.count == 1 + 4 * 4)
            #expect(records[1] == ["salaries", "All contributors", "Engineering", "Female", "false", "4", "850000", "212500", "85000", ""])
            #expect(!csv.contains("report.html"))

            let json = try output(["--dir", folder.path, "--format", "json", "--cohort", "Non-profit"])
            let report = try ResultsReport.decode(Data(json.utf8))
            #expect(report.tables.map(\.id) == ["employees", "salaries"])
            #expect(report.tables.allSatisfy { $0.groups.map(\.label) == ["sector: Non-profit"] })
            #expect(report.tables[0].groups[0].cells.allSatisfy { $0.suppressed })
        }
    }

    @Test("A folder without results, an unknown table or cohort: clear errors")
    func errors() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-no-results-\(UUID().uuidString)")
        try expectError(
            ["--dir", empty.path],
            "no results in \(empty.path): the analyst's party writes them there when the computation finishes (cairn compute)")
        try Self.withResults { folder in
            try expectError(["--dir", folder.path, "--table", "pay"], "no table \"pay\" in the results; the tables are: employees, salaries")
            try expectError(
                ["--dir", folder.path, "--cohort", "Retail"],
                "no cohort option \"Retail\" in the results; choose one of: \"All contributors\", \"sector: Company\", "
                    + "\"sector: Non-profit\", \"sector: Public sector\"")
        }
        #expect(throws: (any Error).self) { try CairnCommand.parseAsRoot(["results", "--format", "xml"]) }
    }

    func expectError(_ arguments: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = try #require(throws: (any Error).self, sourceLocation: sourceLocation) { try output(arguments) }
        #expect("\(error)" == message, sourceLocation: sourceLocation)
    }
}
