import CairnArithmetic
import CairnStudy
import Foundation
import Testing
@testable import CairnAnalytics

/// The comparisons (pay gaps) of the results files, from hand-built ``StudyResults`` whose
/// margin cells are computed here in the clear, checked against a computation straight from the
/// employers' numbers that knows nothing of margins or groups.
@Suite("Comparisons in the results files")
struct GapReportTests {
    static let jobs = ["Sales", "Engineering", "Support"]
    static let races = ["Asian", "White", "Black"]
    static let genders = ["Female", "Male"]
    static let minimum = 3

    static let definition = StudyDefinition(
        id: "gaps", title: "Pay gaps",
        tables: [
            .init(id: "employees", title: "Employees", kind: .count, rows: .list(jobs), columns: .combine([races, genders])),
            .init(
                id: "pay", title: "Pay", kind: .money, rows: .list(jobs), columns: .combine([races, genders]),
                headcountTable: "employees"),
        ],
        statistics: .init(compute: [.count, .sum, .meanPerEmployee], minimumCellSize: minimum, dominance: .init(percent: 85)),
        margins: [
            .init(id: "jobGender", title: "By job and gender", tables: ["employees", "pay"], rows: .init([.each, .all]), columns: .init([.part(2)])),
            .init(id: "jobRace", title: "By job and race", tables: ["employees", "pay"], rows: .init([.each, .all]), columns: .init([.part(1), .all])),
        ],
        comparisons: [
            .init(id: "gender", title: "Women's pay compared with men's", margin: "jobGender", table: "pay", compare: "Female", with: "Male"),
            .init(id: "race", title: "Each race compared with all others", margin: "jobRace", table: "pay", compare: "each", with: "others"),
        ],
        computeParties: [], recipients: [])

    /// One employer's numbers: employees and pay, by job, race and gender.
    struct Employer {
        var employees: [String: Int64] = [:], pay: [String: Int64] = [:]
        static func key(_ job: String, _ race: String, _ gender: String) -> String { "\(job)|\(race)|\(gender)" }
    }

    /// Seeded employers: Asian and Black employees are rare, so some totals have fewer than the
    /// minimum number of contributors; women are paid less.
    static func employers(seed: UInt64, count: Int) -> [Employer] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            var employer = Employer()
            for job in jobs {
                for race in races {
                    for gender in genders {
                        let rare = race != "White" && generator.next() % (race == "Black" ? 5 : 3) != 0
                        let people = rare ? 0 : Int64(1 + generator.next() % 20)
                        employer.employees[Employer.key(job, race, gender)] = people
                        let each = Int64(40_000 + generator.next() % 60_000) * (gender == "Female" ? 82 : 100) / 100
                        employer.pay[Employer.key(job, race, gender)] = people * each
                    }
                }
            }
            return employer
        }
    }

    /// What the compute parties reveal, worked out in the clear: every table cell, and every margin
    /// cell by adding up the cells of its groups, suppressed when fewer than the minimum of
    /// employers have a non-zero value in it.
    static func results(_ employers: [Employer]) -> StudyResults {
        let columns = races.flatMap { race in genders.map { (race, $0) } }
        func cell(table: String, margin: String?, row: Int, column: Int, keys: [String]) -> StudyResults.Cell {
            let values = employers.map { employer in keys.reduce(Int64(0)) { $0 + (table == "pay" ? employer.pay[$1]! : employer.employees[$1]!) } }
            let nonzero = values.filter { $0 != 0 }.count
            var cell = StudyResults.Cell(table: table, row: row, column: column, cohort: nil, suppressed: nonzero < minimum)
            cell.margin = margin
            guard !cell.suppressed else { return cell }
            cell.contributors = nonzero
            cell.nonzeroContributors = table == "pay" ? nonzero : nil
            cell.sum = values.reduce(0, +)
            return cell
        }
        var cells: [StudyResults.Cell] = []
        for table in ["employees", "pay"] {
            for (row, job) in jobs.enumerated() {
                for (column, (race, gender)) in columns.enumerated() {
                    cells.append(cell(table: table, margin: nil, row: row, column: column, keys: [Employer.key(job, race, gender)]))
                }
            }
            let rowGroups = jobs.map { [$0] } + [jobs]
            for (row, rowJobs) in rowGroups.enumerated() {
                for (column, gender) in genders.enumerated() {
                    let keys = rowJobs.flatMap { job in races.map { Employer.key(job, $0, gender) } }
                    cells.append(cell(table: table, margin: "jobGender", row: row, column: column, keys: keys))
                }
                for (column, raceGroup) in (races.map { [$0] } + [races]).enumerated() {
                    let keys = rowJobs.flatMap { job in raceGroup.flatMap { race in genders.map { Employer.key(job, race, $0) } } }
                    cells.append(cell(table: table, margin: "jobRace", row: row, column: column, keys: keys))
                }
            }
        }
        return StudyResults(cells: cells)
    }

    /// Pay per employee of the employees `belongs` picks in `job` (every job if `nil`), straight
    /// from the employers' numbers, with the employees and the employers with non-zero pay.
    static func cleartext(
        _ employers: [Employer], job: String?, _ belongs: (String, String) -> Bool
    ) -> (perEmployee: Double?, employees: Int64, payers: Int) {
        var pay: Int64 = 0, employees: Int64 = 0, payers = 0
        for employer in employers {
            var own: Int64 = 0
            for j in jobs where job == nil || j == job {
                for race in races {
                    for gender in genders where belongs(race, gender) {
                        own += employer.pay[Employer.key(j, race, gender)]!
                        employees += employer.employees[Employer.key(j, race, gender)]!
                    }
                }
            }
            pay += own
            payers += own != 0 ? 1 : 0
        }
        return (employees > 0 ? Double(pay) / Double(employees) : nil, employees, payers)
    }

    static func report(_ employers: [Employer]) -> ResultsReport {
        ResultsReport(definition: definition, results: results(employers), computedAt: Date(timeIntervalSince1970: 1_750_000_000), contributors: employers.count)
    }

    @Test("every gap matches a cleartext computation from the employers' numbers; withheld totals give not enough data", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func gapsMatchCleartext(seed: UInt64) throws {
        let employers = Self.employers(seed: seed, count: 6)
        let report = Self.report(employers)
        let comparisons = try #require(report.comparisons)
        #expect(comparisons.map(\.id) == ["gender", "race"])
        var computed = 0, withheld = 0
        for comparison in comparisons {
            for gap in comparison.gaps {
                let job = gap.row == "All" ? nil : gap.row
                #expect(job == nil || Self.jobs.contains(gap.row))
                let left: (Double?, Int64, Int), right: (Double?, Int64, Int)
                var rightHidden: Bool
                if comparison.id == "gender" {
                    left = Self.cleartext(employers, job: job) { $1 == gap.compare.label }
                    right = Self.cleartext(employers, job: job) { $1 == gap.with.label }
                    rightHidden = right.2 < Self.minimum
                } else {
                    #expect(gap.with.label == ResultsReport.allOthersLabel)
                    left = Self.cleartext(employers, job: job) { race, _ in race == gap.compare.label }
                    right = Self.cleartext(employers, job: job) { race, _ in race != gap.compare.label }
                    let everyone = Self.cleartext(employers, job: job) { _, _ in true }
                    // All others is All minus the group: withheld when either is.
                    rightHidden = everyone.2 < Self.minimum || left.2 < Self.minimum || (1..<Int64(Self.minimum)).contains(right.1)
                    #expect(gap.with.contributors == nil)
                }
                let hidden = left.2 < Self.minimum || rightHidden
                #expect(gap.withheld == hidden, "\(comparison.id) \(gap.row) \(gap.compare.label)")
                if hidden {
                    withheld += 1
                    #expect(gap.ratio == nil)
                    continue
                }
                computed += 1
                let (a, b) = (try #require(left.0), try #require(right.0))
                #expect(abs(try #require(gap.compare.value) - a) < 1e-6)
                #expect(abs(try #require(gap.with.value) - b) < 1e-6)
                #expect(abs(try #require(gap.ratio) - a / b) < 1e-12)
                #expect(gap.compare.employees == Double(left.1) && gap.with.employees == Double(right.1))
                #expect(gap.compare.contributors == left.2)
                if comparison.id == "gender" { #expect(gap.with.contributors == right.2) }
            }
        }
        #expect(comparisons[0].gaps.count == 4 && comparisons[1].gaps.count == 4 * 3)
        #expect(computed > 0 && withheld > 0, "the seed gives both computed and withheld gaps")
    }

    @Test("a withheld All total makes every comparison with all others not enough data, and says so")
    func withheldAllTotal() throws {
        let employers = Self.employers(seed: 7, count: 6)
        var results = Self.results(employers)
        // Withhold the pay total of All races in the All row of jobRace, as suppression would.
        let index = try #require(results.cells.firstIndex { $0.margin == "jobRace" && $0.table == "pay" && $0.row == 3 && $0.column == 3 })
        results.cells[index] = StudyResults.Cell(table: "pay", row: 3, column: 3, cohort: nil, margin: "jobRace", suppressed: true)
        let report = ResultsReport(definition: Self.definition, results: results, computedAt: Date(), contributors: 6)
        let race = try #require(report.comparisons?.first { $0.id == "race" })
        for gap in race.overall {
            #expect(gap.ratio == nil && gap.with.withheld && gap.with.value == nil && gap.with.employees == nil)
            #expect(race.sentence(gap) == "Overall, there is not enough data to compare \(gap.compare.label) employees with all other employees.")
        }
        #expect(report.gapsText().contains("not enough data"))
    }

    @Test("all others covering fewer employees than the minimum is not enough data, though both totals were revealed")
    func fewOthers() throws {
        var employers = Self.employers(seed: 8, count: 6)
        // In Sales, only White employees but two: an Asian woman at one employer, a Black man at another.
        for index in employers.indices {
            for race in ["Asian", "Black"] {
                for gender in Self.genders {
                    let key = Employer.key("Sales", race, gender)
                    let keep = (index == 0 && race == "Asian" && gender == "Female") || (index == 1 && race == "Black" && gender == "Male")
                    employers[index].employees[key] = keep ? 1 : 0
                    employers[index].pay[key] = keep ? 50_000 : 0
                }
            }
            for gender in Self.genders {
                employers[index].employees[Employer.key("Sales", "White", gender)] = 5
                employers[index].pay[Employer.key("Sales", "White", gender)] = 300_000
            }
        }
        let report = Self.report(employers)
        let white = try #require(report.comparisons?[1].gaps.first { $0.row == "Sales" && $0.compare.label == "White" })
        #expect(white.compare.value == 60_000 && white.compare.withheld == false)
        #expect(white.with.withheld && white.with.value == nil && white.with.employees == nil && white.ratio == nil)
    }

    @Test("the sentence a non-statistician reads: cents for every dollar")
    func sentences() throws {
        var comparison = ResultsReport.Comparison(
            id: "gender", title: "t", margin: "m", table: "pay", statistic: .meanPerEmployee, compare: "Female", with: "Male",
            kind: .money, unit: "US dollars", gaps: [])
        let side = { (label: String, value: Double) in ResultsReport.Side(label: label, value: value, contributors: 5, employees: 10, withheld: false) }
        let overall = ResultsReport.Gap(row: "All", compare: side("Female", 78), with: side("Male", 100), ratio: 0.78)
        #expect(comparison.sentence(overall) == "Overall, women were paid 78 cents for every dollar paid to men.")
        let above = ResultsReport.Gap(row: "Sales", compare: side("Asian", 105), with: side(ResultsReport.allOthersLabel, 100), ratio: 1.05)
        #expect(comparison.sentence(above) == "In Sales, Asian employees were paid $1.05 for every dollar paid to all other employees.")
        comparison.kind = .months
        comparison.unit = "months"
        #expect(comparison.sentence(overall) == "Overall, women had 78% of the months per employee that men had.")
    }

    @Test("results.json keeps margins and comparisons, reads back, and files without them still load")
    func jsonRoundTrip() throws {
        let report = Self.report(Self.employers(seed: 2, count: 6))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-gaps-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try report.write(to: folder)
        #expect(try ResultsReport.load(from: folder) == report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("results.json"))) as? [String: Any])
        #expect(object["dominancePercent"] as? Double == 85)
        let gaps = try #require((object["comparisons"] as? [[String: Any]])?.first?["gaps"] as? [[String: Any]])
        #expect(gaps.count == 4)

        // A file written before comparisons: no margins, comparisons, nonzeroContributors or dominance.
        var old = object
        old["comparisons"] = nil
        old["dominancePercent"] = nil
        old["tables"] = (object["tables"] as! [[String: Any]]).map { table in
            var table = table
            table["margins"] = nil
            return table
        }
        let loaded = try ResultsReport.decode(try JSONSerialization.data(withJSONObject: old))
        #expect(loaded.comparisons == nil && loaded.dominancePercent == nil && loaded.tables.allSatisfy { $0.margins == nil })
        #expect(loaded.gapsText() == ResultsReport.noComparisons)

        // A margin with a cell missing is refused, naming it.
        var broken = report
        broken.tables[0].margins![0].groups[0].cells.removeLast()
        #expect(throws: ResultsReportError.self) { try ResultsReport.decode(broken.jsonData()) }
    }

    @Test("gaps.csv has one record per gap and margins.csv one per margin cell; results.csv is unchanged")
    func csvFiles() throws {
        let report = Self.report(Self.employers(seed: 3, count: 6))
        let gaps = try CSV.read(report.gapsCSV()).map(\.fields)
        #expect(gaps[0] == ResultsReport.gapsCSVHeader)
        #expect(gaps.count == 1 + 4 + 12)
        let overall = try #require(report.comparisons?[0].overall.first)
        let record = try #require(gaps.first { $0[0] == "gender" && $0[3] == "All" })
        #expect(record[4] == "Female" && record[5] == "Male")
        #expect(record[8] == overall.ratio.map(ResultsReport.plain) ?? "")
        #expect(record[13] == (overall.ratio == nil ? "true" : "false"))
        #expect(gaps.filter { $0[0] == "race" }.allSatisfy { $0[10] == "" })  // all others' contributors: not derivable

        let margins = try CSV.read(report.marginsCSV()).map(\.fields)
        #expect(margins[0] == ["margin"] + ResultsReport.csvHeader)
        // jobGender: 4 row groups × 2; jobRace: 4 × 4; for both tables.
        #expect(margins.count == 1 + 2 * (8 + 16))
        #expect(margins.contains { $0[0] == "jobRace" && $0[1] == "pay" && $0[3] == "All" && $0[4] == "All" })
        #expect(try CSV.read(report.csv()).count == 1 + 2 * 3 * 6)
    }

    @Test("the gaps as text: the overall sentence, one aligned line per gap, and a note for studies without comparisons")
    func text() throws {
        let report = Self.report(Self.employers(seed: 4, count: 8))
        let text = report.gapsText()
        let gender = try #require(report.comparisons?[0])
        #expect(text.contains(gender.sentence(try #require(gender.overall.first))))
        let lines = text.split(separator: "\n").map(String.init)
        // Aligned: in each comparison's block, every row's ratio column starts where its header's does.
        var ratio: Int?, rows = 0
        for line in lines {
            if line.hasPrefix("Group of rows") {
                ratio = try #require(line.range(of: "Ratio")).lowerBound.utf16Offset(in: line)
            } else if let ratio, Self.jobs.contains(where: { line.hasPrefix($0 + " ") }) || line.hasPrefix("All ") {
                rows += 1
                let start = line.index(line.startIndex, offsetBy: ratio)
                #expect(line[line.index(before: start)] == " " && line[start] != " ", "\(line)")
            }
        }
        #expect(rows == 16)
        // The margins print like tables, after their table.
        let plain = report.selecting(groups: [ResultsReport.allContributors]).plainText()
        let table = try #require(plain.range(of: "Pay [pay], in US dollars: All contributors"))
        let margin = try #require(plain.range(of: "Pay, totals by job and gender [pay], in US dollars: All contributors"))
        #expect(table.lowerBound < margin.lowerBound)

        var none = report
        none.comparisons = nil
        #expect(none.gapsText().contains("declares no comparisons"))
    }

    @Test("report.html leads with the comparisons: sentence, labelled bars, not enough data, and both suppression rules")
    func html() throws {
        let report = Self.report(Self.employers(seed: 5, count: 6))
        let html = report.html()
        let gaps = try #require(html.range(of: "<section id=\"gaps\""))
        let firstTable = try #require(html.range(of: "<section id=\"t0\""))
        #expect(gaps.lowerBound < firstTable.lowerBound)
        let gender = try #require(report.comparisons?[0])
        #expect(html.contains(ResultsReport.escapeHTML(gender.sentence(try #require(gender.overall.first)))))
        #expect(html.contains("class=\"bar cmp\"") && html.contains("class=\"bar ref\""))
        #expect(html.contains("not enough data"))
        #expect(html.contains("other than zero") && html.contains("more than 85%") && html.contains("give a withheld cell away"))
        for external in ["http://", "https://", "src=", "url(", "@import", "<link", "<script", "<img"] {
            #expect(!html.lowercased().contains(external), "mentions \(external)")
        }
        // Margins show as small tables of their own.
        #expect(html.contains("Pay, totals by job and gender"))
    }
}
