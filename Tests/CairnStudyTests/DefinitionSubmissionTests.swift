import CairnArithmetic
import Foundation
import Testing
@testable import CairnStudy

@Suite("Contributors' numbers and the cell vector")
struct DefinitionSubmissionTests {
    /// Quick-start answers: employees [[3, 4], [5, 0]], salaries [[300000, 410000], [250000, 0]].
    func quickstartAnswers() -> FilledTables {
        FilledTables(
            tables: ["employees": [["3", "4"], ["5", "0"]], "salaries": [["300000", "410,000"], ["$250,000", "0"]]],
            cohorts: ["sector": "Non-profit"])
    }

    @Test("valid answers have no problems")
    func valid() throws {
        let study = try Fixtures.quickstart()
        #expect(study.validate(submission: quickstartAnswers()).isEmpty)
    }

    @Test("each cell problem names the table, row and column", arguments: [
        ("salaries", 0, 0, "1.5", "Total annual salaries, row 'Engineering', column 'Female': 1.5 is not a whole number (amounts are in whole dollars, without cents)"),
        ("salaries", 0, 1, "lots", "Total annual salaries, row 'Engineering', column 'Male': 'lots' is not a number"),
        ("salaries", 0, 1, "1,23", "Total annual salaries, row 'Engineering', column 'Male': '1,23' is not a number"),
        ("employees", 1, 0, "-2", "Number of employees, row 'Sales', column 'Female': -2 is negative, but a number of people cannot be"),
        ("employees", 1, 0, "100001", "Number of employees, row 'Sales', column 'Female': 100001 is more than the maximum, 100000"),
        ("employees", 1, 1, nil, "Number of employees, row 'Sales', column 'Male': is empty, but this cell must be filled in"),
        ("employees", 1, 1, "  ", "Number of employees, row 'Sales', column 'Male': is empty, but this cell must be filled in"),
        ("salaries", 1, 0, "2000000000000", "Total annual salaries, row 'Sales', column 'Female': 2000000000000 is too large: the largest allowed is 1000000000000 in magnitude"),
        ("salaries", 1, 0, "99999999999999999999999", "is too large"),
    ] as [(String, Int, Int, String?, String)])
    func cellProblems(table: String, row: Int, column: Int, entry: String?, message: String) throws {
        let study = try Fixtures.quickstart()
        var answers = quickstartAnswers()
        answers[table, row, column] = entry
        if table == "employees", row == 1, column == 0 { answers["salaries", 1, 0] = "0" }  // keep zeroTogether quiet
        let problems = study.validate(submission: answers)
        #expect(problems.mentions(message), "got: \(problems.descriptions)")
        #expect(throws: StudyProblems.self) { try study.cellVector(for: answers) }
    }

    @Test("zeroTogether: no pay without employees, and no employees without pay")
    func zeroTogether() throws {
        let study = try Fixtures.quickstart()
        var answers = quickstartAnswers()
        answers["salaries", 1, 1] = "50000"
        answers["employees", 0, 0] = "0"
        #expect(study.validate(submission: answers).descriptions == [
            "Number of employees and Total annual salaries, row 'Engineering', column 'Female': Number of employees is 0 but Total annual salaries is 300000; these must be zero (or empty) together",
            "Number of employees and Total annual salaries, row 'Sales', column 'Male': Number of employees is 0 but Total annual salaries is 50000; these must be zero (or empty) together",
        ])
        answers["salaries", 0, 0] = nil
        answers["salaries", 1, 1] = "0"
        #expect(study.validate(submission: answers).isEmpty)
    }

    @Test("notGreaterThan compares the matching cells of two tables")
    func notGreaterThan() throws {
        var study = try Fixtures.payEquity()
        study.tables = Array(study.tables.prefix(3))
        study.rules = [.init(rule: .notGreaterThan, tables: ["performancePay", "compensation"])]
        var answers = study.emptySubmission()
        answers.cohorts["industry"] = "Education"
        answers["compensation", 2, 4] = "90000"
        answers["performancePay", 2, 4] = "90001"
        answers["performancePay", 3, 4] = "5"  // compensation empty: not compared
        #expect(study.validate(submission: answers).descriptions == [
            "Total cash performance pay and Total annual compensation, row 'Professionals', column 'White / Male': Total cash performance pay (90001) is greater than Total annual compensation (90000)",
        ])
    }

    @Test("cohort answers and the submission's shape are checked")
    func cohortsAndShape() throws {
        let study = try Fixtures.quickstart()
        var answers = quickstartAnswers()
        answers.cohorts = ["sector": "Charity", "size": "big"]
        answers.tables["bonus"] = [["1"]]
        answers.tables["employees"]!.append(["1", "2"])
        answers.tables["salaries"]![0].append("7")
        #expect(study.validate(submission: answers).descriptions == [
            "table \"bonus\": is not a table of this study",
            "Number of employees: has 3 rows, but the study's table has 2",
            "Total annual salaries, row 'Engineering': has 3 columns, but the study's table has 2",
            "cohort \"size\": is not a cohort of this study",
            "Which kind of organization are you?: 'Charity' is not one of the options: 'Company', 'Non-profit', 'Public sector'",
        ])
        answers = quickstartAnswers()
        answers.cohorts = [:]
        #expect(study.validate(submission: answers).descriptions == ["Which kind of organization are you?: no option was chosen"])
    }

    @Test("the layout: table by table, row-major")
    func layout() {
        let layout = Fixtures.small().cellLayout
        #expect(layout.cellCount == 7)
        #expect(layout.cells.prefix(5) == [
            .init(table: "people", row: 0, column: 0), .init(table: "people", row: 0, column: 1),
            .init(table: "people", row: 1, column: 0), .init(table: "people", row: 1, column: 1),
            .init(table: "change", row: 0, column: 0),
        ])
        #expect(layout.cellIndex(table: "change", row: 0, column: 2) == 6)
        #expect(layout.cellIndex(table: "people", row: 1, column: 0) == 2)
        #expect(layout.cellIndex(table: "people", row: 2, column: 0) == nil)
        #expect(layout.presencePosition(ofCell: 2) == 9)
        #expect(layout.indicatorPosition(cohort: "size", option: 0) == 14)
        #expect(layout.indicatorPosition(cohort: "union", option: 1) == 18)
        #expect(layout.indicatorPosition(cohort: "union", option: 2) == nil)
        #expect(layout.vectorLength == 19)
    }

    @Test("the vector: values (two's complement, scaled by decimal places), presence bits, cohort one-hot")
    func vector() throws {
        let study = Fixtures.small()
        let answers = FilledTables(
            tables: ["people": [["3", nil], ["0", "7"]], "change": [["-2.5", "1", ""]]],
            cohorts: ["size": "B", "union": "no"])
        #expect(study.validate(submission: answers).isEmpty, "\(study.validate(submission: answers).descriptions)")
        let vector = try study.cellVector(for: answers)
        #expect(vector == [
            3, 0, 0, 7, 0xFFFF_FFFF_FFFF_FFE7, 10, 0,  // values: -2.5 → -25 in two's complement, 1 → 10
            1, 0, 1, 1, 1, 1, 0,  // presence
            0, 1, 0,  // size: B
            0, 1,  // union: no
        ])
        #expect(Ring64.signed(vector[4]) == -25)
        #expect(vector.count == study.cellLayout.vectorLength)
    }

    @Test("numbers as people type them", arguments: [
        ("12", 0, Int64(12)), ("-7", 0, -7), ("1,234,567", 0, 1_234_567), ("$52,000", 0, 52_000), ("52000.00", 0, 52_000),
        ("0.1", 2, 10), ("-$3.25", 2, -325), ("$-3.25", 2, -325), ("+4", 0, 4), ("007", 0, 7), (".5", 1, 5), ("-0", 0, 0),
    ] as [(String, Int, Int64)])
    func typed(text: String, places: Int, expected: Int64) {
        #expect(TypedNumber.parse(text)?.scaled(by: places) == expected)
    }

    @Test("not numbers", arguments: ["", "abc", "1,23", "12,3456", "1.2.3", "$", "-", "1e5", "1 000", ",123", "١٢"])
    func notNumbers(text: String) {
        #expect(TypedNumber.parse(text) == nil)
    }

    @Test("submissions in JSON accept numbers, strings and null")
    func json() throws {
        let answers = try JSONDecoder().decode(FilledTables.self, from: Data(#"""
            {"tables": {"people": [[3, null], ["0", 7]], "change": [[-2.5, 1, null]]}, "cohorts": {"size": "B", "union": "no"}}
            """#.utf8))
        #expect(answers["people", 0, 0] == "3" && answers["people", 0, 1] == nil && answers["change", 0, 0] == "-2.5")
        #expect(try Fixtures.small().cellVector(for: answers)[4] == Ring64.element(-25))
        let again = try JSONDecoder().decode(FilledTables.self, from: try JSONEncoder().encode(answers))
        #expect(again == answers)
    }
}
