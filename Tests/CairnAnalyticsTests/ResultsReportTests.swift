import CairnStudy
import Foundation
import Testing
@testable import CairnAnalytics

@Suite("The analyst's results files")
struct ResultsReportTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    static let nastyLabel = "<script>alert(1)</script> & \"x\", y"

    /// The quick-start study, with standard deviations, and a `number` table with two decimal
    /// places whose first row label needs escaping in HTML and quoting in CSV.
    static let definition: StudyDefinition = {
        var definition = try! StudyDefinition.load(from: examples.appendingPathComponent("quickstart.json").path)
        definition.statistics.compute.append(.standardDeviation)
        definition.tables.append(.init(
            id: "hours", title: "Weekly overtime <hours>", kind: .number, rows: .list([nastyLabel, "Sales"]),
            columns: .list(["Female", "Male"]), validation: .init(decimalPlaces: 2)))
        return definition
    }()

    static let computedAt = Date(timeIntervalSince1970: 1_741_964_966.75)  // 2025-03-14T15:09:26Z

    /// A revealed cell, as `StudyComputation` assembles it from a count, a sum (scaled), the sum
    /// of squares and a headcount.
    static func revealed(
        _ table: String, _ row: Int, _ column: Int, _ cohort: String?, count: Int64, sum: Int64, squares: Int64 = 0,
        headcount: Int64? = nil, minimum: Int64 = 3
    ) -> StudyResults.Cell {
        let suppressed = count < minimum || (headcount.map { $0 < minimum } ?? false)
        var cell = StudyResults.Cell(table: table, row: row, column: column, cohort: cohort, suppressed: suppressed)
        guard !suppressed else { return cell }
        let wanted = definition.statistics(for: definition.table(table)!)
        let mean = Double(sum) / Double(count)
        if wanted.contains(.count) { cell.contributors = Int(count) }
        if wanted.contains(.sum) { cell.sum = sum }
        if wanted.contains(.mean) { cell.mean = mean }
        if wanted.contains(.meanPerEmployee), let headcount { cell.meanPerEmployee = Double(sum) / Double(headcount) }
        if wanted.contains(.standardDeviation) {
            cell.standardDeviation = max(0, Double(squares) / Double(count) - mean * mean).squareRoot()
        }
        return cell
    }

    /// All contributors: Sales / Female is suppressed (2 contributors). Company: only
    /// Engineering / Male has enough contributors. The other sectors: everything suppressed.
    static let results: StudyResults = {
        // (count, employees, salaries, overtime in hundredths) per cell, row by row.
        let all: [(Int64, Int64, Int64, Int64)] = [(5, 12, 1_200_000, 1250), (5, 20, 2_000_000, 2000), (2, 2, 150_000, 100), (3, 9, 540_000, 375)]
        let company: [(Int64, Int64, Int64, Int64)] = [(2, 4, 400_000, 500), (3, 10, 1_100_000, 900), (1, 1, 75_000, 50), (1, 3, 200_000, 125)]
        var cells: [StudyResults.Cell] = []
        let groups: [(String?, [(Int64, Int64, Int64, Int64)])] = [
            ("sector: Company", company),
            ("sector: Non-profit", all.map { _ in (1, 1, 10_000, 0) }),
            ("sector: Public sector", all.map { _ in (0, 0, 0, 0) }),
            (nil, all),
        ]
        for table in ["employees", "salaries", "hours"] {
            for position in 0..<4 {
                for (cohort, values) in groups {
                    let (count, employees, salaries, hours) = values[position]
                    let (row, column) = (position / 2, position % 2)
                    switch table {
                    case "employees": cells.append(revealed(table, row, column, cohort, count: count, sum: employees))
                    case "salaries":
                        cells.append(revealed(table, row, column, cohort, count: count, sum: salaries, headcount: employees))
                    default:
                        // Every contributor entered the same overtime, so the deviation is 0.
                        let each = count == 0 ? 0 : hours / count
                        cells.append(revealed(table, row, column, cohort, count: count, sum: each * count, squares: each * each * count))
                    }
                }
            }
        }
        return StudyResults(cells: cells)
    }()

    static let report = ResultsReport(definition: definition, results: results, computedAt: computedAt, contributors: 7)

    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cairn-results-\(UUID().uuidString)")
    }

    static func written() throws -> URL {
        let folder = temporaryFolder()
        try report.write(to: folder)
        return folder
    }

    static func remove(_ folder: URL) { try? FileManager.default.removeItem(at: folder) }

    static func json(_ folder: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent("results.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("results.json is labelled, in the tables' units, and reads back")
    func json() throws {
        let folder = try Self.written()
        defer { Self.remove(folder) }
        let json = try Self.json(folder)
        #expect(json["computedAt"] as? String == "2025-03-14T15:09:26Z")
        #expect(json["contributors"] as? Int == 7)
        #expect(json["minimumCellSize"] as? Int == 3)
        let study = try #require(json["study"] as? [String: Any])
        #expect(study["id"] as? String == "quickstart")
        #expect(study["title"] as? String == "Quick start: salaries by team and gender")
        let parties = try #require(json["computeParties"] as? [[String: Any]])
        #expect(parties.map { $0["name"] as? String } == ["Example Service Provider", "Example Analyst", "Example University"])

        let tables = try #require(json["tables"] as? [[String: Any]])
        #expect(tables.map { $0["id"] as? String } == ["employees", "salaries", "hours"])
        let salaries = tables[1]
        #expect(salaries["unit"] as? String == "US dollars")
        #expect(salaries["statistics"] as? [String] == ["count", "sum", "mean", "meanPerEmployee", "standardDeviation"])
        let groups = try #require(salaries["groups"] as? [[String: Any]])
        #expect(groups.map { $0["label"] as? String } == ["All contributors", "sector: Company", "sector: Non-profit", "sector: Public sector"])
        #expect(groups[1]["cohort"] as? String == "sector" && groups[1]["option"] as? String == "Company")
        let cells = try #require(groups[0]["cells"] as? [[String: Any]])
        #expect(cells.map { $0["row"] as? String } == ["Engineering", "Engineering", "Sales", "Sales"])
        #expect(cells.map { $0["column"] as? String } == ["Female", "Male", "Female", "Male"])
        // Money is in whole dollars: the ring holds dollars, nothing to divide.
        #expect(cells[0]["sum"] as? Double == 1_200_000)
        #expect(cells[0]["mean"] as? Double == 240_000)
        #expect(cells[0]["meanPerEmployee"] as? Double == 100_000)
        #expect(cells[0]["contributors"] as? Int == 5)
        #expect(cells[0]["suppressed"] as? Bool == false)
        #expect(cells[2]["suppressed"] as? Bool == true)
        #expect(Set(cells[2].keys) == ["row", "column", "suppressed"])

        // A number with two decimal places was stored in hundredths: 12.50 hours, not 1250.
        let hours = try #require((tables[2]["groups"] as? [[String: Any]])?.first?["cells"] as? [[String: Any]])
        #expect(hours[0]["row"] as? String == Self.nastyLabel)
        #expect(hours[0]["sum"] as? Double == 12.5)
        #expect(hours[0]["mean"] as? Double == 2.5)
        #expect(hours[3]["sum"] as? Double == 3.75)
        #expect(hours[0]["standardDeviation"] as? Double == 0)
        #expect(tables[2]["decimalPlaces"] as? Int == 2)
        #expect(tables[2]["unit"] as? String == "")

        let loaded = try ResultsReport.load(from: folder)
        #expect(loaded == Self.report)
        #expect(loaded.computedAt == Date(timeIntervalSince1970: 1_741_964_966))
    }

    @Test("Strings with quotes, backslashes and control characters read back from results.json")
    func jsonEscapes() throws {
        var report = Self.report
        let label = "tab\there \"quoted\" back\\slash\nnew line \u{01} \u{2028} é 日本"
        report.study.title = label
        report.tables[0].groups[0].cells[0].row = label
        let text = String(decoding: report.jsonData(), as: UTF8.self)
        #expect(text.contains(#""title": "tab\there \"quoted\" back\\slash\nnew line \u0001 \u2028 é 日本""#))
        #expect(try ResultsReport.decode(report.jsonData()) == report)
    }

    @Test("A suppressed cell keeps no value, even one handed in by mistake")
    func suppressedValuesDropped() throws {
        var results = Self.results
        let index = try #require(results.cells.firstIndex { $0.table == "salaries" && $0.suppressed && $0.cohort == nil })
        results.cells[index].sum = 777_777
        results.cells[index].mean = 777_777
        let report = ResultsReport(definition: Self.definition, results: results, computedAt: Self.computedAt, contributors: 7)
        #expect(report == Self.report)
        #expect(!String(decoding: report.jsonData(), as: UTF8.self).contains("777"))
        #expect(!report.html().contains("777"))
    }

    @Test("results.csv has one quoted, unit-converted record per cell per group")
    func csv() throws {
        let folder = try Self.written()
        defer { Self.remove(folder) }
        let text = try String(contentsOf: folder.appendingPathComponent("results.csv"), encoding: .utf8)
        let records = try CSV.read(text).map(\.fields)
        #expect(records[0] == ["table", "cohort", "row", "column", "suppressed", "contributors", "sum", "mean", "mean_per_employee", "standard_deviation"])
        #expect(records.count == 1 + 3 * 4 * 4)
        #expect(records[1] == ["employees", "All contributors", "Engineering", "Female", "false", "5", "12", "2.4", "", "0"])
        #expect(records.contains(["salaries", "All contributors", "Engineering", "Female", "false", "5", "1200000", "240000", "100000", "0"]))
        #expect(records.contains(["salaries", "All contributors", "Sales", "Female", "true", "", "", "", "", ""]))
        #expect(records.contains(["salaries", "sector: Company", "Engineering", "Male", "false", "3", "1100000", "366666.666667", "110000", "0"]))
        #expect(records.contains(["hours", "All contributors", Self.nastyLabel, "Female", "false", "5", "12.5", "2.5", "", "0"]))
        #expect(text.contains("\r\nhours,All contributors,\"<script>alert(1)</script> & \"\"x\"\", y\",Female,false,5,12.5,"))
        #expect(text.hasSuffix("\r\n"))
    }

    @Test("report.html is one self-contained, escaped page with charts")
    func html() throws {
        let folder = try Self.written()
        defer { Self.remove(folder) }
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for external in ["http://", "https://", "src=", "url(", "@import", "<link", "<script", "<img", "<iframe"] {
            #expect(!html.lowercased().contains(external), "mentions \(external)")
        }
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;, y"))
        #expect(html.contains("Weekly overtime &lt;hours&gt;"))
        #expect(!html.contains("alert(1)</script>"))
        #expect(html.contains("<svg") && html.contains("<title id="))
        #expect(html.contains("<caption>") && html.contains("<th scope=\"col\">") && html.contains("<th scope=\"row\">"))
        #expect(html.contains("Quick start: salaries by team and gender"))
        #expect(html.contains("14 March 2025, 15:09 UTC"))
        #expect(html.contains("Fewer than 3 contributors"))
        #expect(html.contains("never revealed to anyone"))
        #expect(html.contains("<td>$100,000</td>"))  // mean per employee, all contributors
        #expect(html.contains("<details class=\"cohort\"><summary>sector: Company"))

        // Every suppressed cell and every suppressed bar shows no digit.
        let suppressedCells = try Regex(#"<td class="suppressed"[^>]*>(.*?)</td>"#)
        let matches = html.matches(of: suppressedCells)
        #expect(matches.count > 10)
        for match in matches { #expect(!match.output[1].substring!.contains { $0.isNumber }) }
        for match in html.matches(of: try Regex(#"<text class="missing"[^>]*>([^<]*)</text>"#)) {
            #expect(!match.output[1].substring!.contains { $0.isNumber })
        }
        // The bars: mean per employee by row pools the cells that are not suppressed:
        // Engineering (1,200,000 + 2,000,000) / 32, Sales 540,000 / 9.
        #expect(html.contains(">$100,000</text>") && html.contains(">$60,000</text>"))
        #expect(html.contains("1 suppressed cell is left out."))
    }

    @Test("Values read as people write them")
    func formatting() {
        #expect(ResultsReport.grouped(1_234_567.891, fractionDigits: 2) == "1,234,567.89")
        #expect(ResultsReport.grouped(-999.5, fractionDigits: 0) == "-1,000")
        #expect(ResultsReport.grouped(-0.001, fractionDigits: 2) == "0.00")
        #expect(ResultsReport.grouped(12, fractionDigits: 0) == "12")
        #expect(ResultsReport.plain(1_200_000) == "1200000")
        #expect(ResultsReport.plain(2.5) == "2.5")
        #expect(ResultsReport.plain(1.0 / 3) == "0.333333")
        #expect(ResultsReport.plain(-4) == "-4")
        let salaries = Self.report.table("salaries")!
        #expect(salaries.formatted(-1500, .sum) == "-$1,500")
        #expect(salaries.formatted(85_000.5, .meanPerEmployee) == "$85,000")
        #expect(salaries.formatted(5, .count) == "5")
        #expect(Self.report.table("hours")!.formatted(2.5, .mean) == "2.500")
    }

    @Test("Groups are found by label, option, or the start of one")
    func groupMatching() {
        let report = Self.report
        #expect(report.groupLabel(matching: "sector: Company") == "sector: Company")
        #expect(report.groupLabel(matching: "SECTOR:company") == "sector: Company")
        #expect(report.groupLabel(matching: "Non-profit") == "sector: Non-profit")
        #expect(report.groupLabel(matching: "pub") == "sector: Public sector")
        #expect(report.groupLabel(matching: "all") == "All contributors")
        #expect(report.groupLabel(matching: "sector") == nil)  // several
        #expect(report.groupLabel(matching: "Retail") == nil)
    }

    @Test("A folder without results says where they come from")
    func noResults() throws {
        let folder = Self.temporaryFolder()
        defer { Self.remove(folder) }
        #expect(throws: ResultsReportError.noResults(folder: folder.path)) { try ResultsReport.load(from: folder) }
        #expect("\(ResultsReportError.noResults(folder: "r"))".contains("no results in r: the analyst's party writes them there"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("{\"formatVersion\": 1}".utf8).write(to: folder.appendingPathComponent("results.json"))
        #expect {
            try ResultsReport.load(from: folder)
        } throws: { error in
            "\(error)".contains("is not a Cairn results file") && "\(error)".contains("study")
        }
    }

    @Test("The pay-equity study's 960 cells by 14 industries make a page of reasonable size")
    func payEquity() throws {
        let definition = try StudyDefinition.load(from: Self.examples.appendingPathComponent("pay-equity.json").path)
        var generator = SystemRandomNumberGenerator()
        let labels = [nil] + definition.allCohorts[0].options.map { "industry: \($0)" }
        var cells: [StudyResults.Cell] = []
        for cell in definition.cellLayout.cells {
            for cohort in labels {
                let suppressed = Int.random(in: 0..<4, using: &generator) == 0
                var result = StudyResults.Cell(table: cell.table, row: cell.row, column: cell.column, cohort: cohort, suppressed: suppressed)
                if !suppressed {
                    result.contributors = Int.random(in: 3...40, using: &generator)
                    result.sum = Int64.random(in: 10...90_000_000, using: &generator)
                    result.mean = Double(result.sum!) / Double(result.contributors!)
                    result.meanPerEmployee = cell.table == "employees" ? nil : result.mean! / 10
                    result.standardDeviation = result.mean! / 5
                }
                cells.append(result)
            }
        }
        #expect(cells.count == 960 * 15)
        let report = ResultsReport(definition: definition, results: StudyResults(cells: cells), computedAt: Date(), contributors: 120)
        let folder = Self.temporaryFolder()
        defer { Self.remove(folder) }
        try report.write(to: folder)
        let html = report.html()
        #expect(html.utf8.count < 3_000_000)
        #expect(html.contains("<th scope=\"colgroup\" colspan=\"3\">Hispanic or Latino</th>"))
        #expect(try ResultsReport.load(from: folder) == report)
    }
}
