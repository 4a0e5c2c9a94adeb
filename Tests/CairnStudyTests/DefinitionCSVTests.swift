import Foundation
import Testing
@testable import CairnStudy

@Suite("CSV reader")
struct CSVReaderTests {
    @Test("quotes, commas, doubled quotes, line breaks inside quotes, CRLF and LF")
    func reads() throws {
        let text = "\u{FEFF}a,\"b, c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",,x\nlast,\"\"\r\n"
        let records = try CSV.read(text)
        #expect(records == [
            .init(line: 1, fields: ["a", "b, c", "say \"hi\""]),
            .init(line: 2, fields: ["two\nlines", "", "x"]),
            .init(line: 4, fields: ["last", ""]),
        ])
        #expect(try CSV.read("a,b") == [.init(line: 1, fields: ["a", "b"])])
        #expect(try CSV.read("") == [])
        #expect(try CSV.read("\n\n") == [.init(line: 1, fields: [""]), .init(line: 2, fields: [""])])
    }

    @Test("writing and reading again gives the same fields")
    func roundTrip() throws {
        let records = [["plain", "with, comma", "with \"quotes\""], ["multi\r\nline", " edge ", ""]]
        let text = CSV.write(records)
        #expect(text.hasPrefix("plain,\"with, comma\",\"with \"\"quotes\"\"\"\r\n"))
        #expect(try CSV.read(text).map(\.fields) == records)
    }

    @Test("malformed CSV is reported with its line and column", arguments: [
        ("a,b\nc,\"open\nd,e\n", "line 2, column B: a quoted cell is never closed"),
        ("a,b\nc,d\"e\n", "line 2, column B: a quote (\") in the middle of a cell"),
        ("a,\"b\"x\n", "line 1, column B: text after the closing quote"),
    ])
    func malformed(text: String, message: String) {
        do {
            _ = try CSV.read(text)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test("spreadsheet column names")
    func columnNames() {
        #expect([1, 2, 26, 27, 28, 52, 53, 702, 703].map(CSV.columnName) == ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"])
    }
}

@Suite("The CSV form of a study")
struct DefinitionCSVTests {
    @Test("the quick-start template")
    func template() throws {
        let study = try Fixtures.quickstart()
        let lines = study.csvTemplate().components(separatedBy: "\r\n")
        #expect(lines == [
            "# Quick start: salaries by team and gender",
            "\"# A small example study. Enter how many people work in each team, by gender, and what they are paid in a year in total.\"",
            "# Fill in the cells and leave empty the ones that do not apply. Keep the labels and the lines that start with a table id as they are.",
            "\"# 0 and empty differ: write 0 where the answer is zero, and leave a cell empty where it does not apply to you. An empty cell is not counted at all.\"",
            "# A result is withheld when it has fewer than 3 contributors (or covers fewer than 3 employees).",
            "\"# In tables of numbers of people, a 0 counts as contributing.\"",
            "\"# In tables of money and of months, only values other than 0 count towards that minimum.\"",
            "# Totals are withheld too when they would give away a withheld figure.",
            "",
            "# Which kind of organization are you? Choose one of: Company; Non-profit; Public sector",
            "cohort,sector,",
            "",
            "\"# Number of employees: a number of people, whole numbers, from 0 to 100000, must be filled in\"",
            "employees,Female,Male",
            "Engineering,,",
            "Sales,,",
            "",
            "\"# Total annual salaries: an amount in whole US dollars, whole numbers, 0 or more\"",
            "\"# Add up the annual salaries of the employees counted in the same cell, in whole dollars.\"",
            "salaries,Female,Male",
            "Engineering,,",
            "Sales,,",
            "",
        ])
    }

    @Test("template → filled in a spreadsheet → read gives the same values")
    func spreadsheetRoundTrip() throws {
        let study = try Fixtures.quickstart()
        var text = study.csvTemplate()
        // What a person does in a spreadsheet: type into the empty cells (the spreadsheet saves
        // with LF line breaks and quotes formatted numbers).
        text = text.replacingOccurrences(of: "\r\n", with: "\n")
        text = text.replacingOccurrences(of: "cohort,sector,\n", with: "cohort,sector,non-profit\n")
        text = text.replacingOccurrences(of: "employees,Female,Male\nEngineering,,\nSales,,\n", with: "employees,Female,Male\nEngineering,3,4\nSales,5,0\n")
        text = text.replacingOccurrences(of: "salaries,Female,Male\nEngineering,,\nSales,,\n", with: "salaries,Female,Male\nSales,\"$250,000\",\nEngineering,300000,\"410,000\"\n")
        let answers = try study.readCSV(text)
        #expect(answers == FilledTables(
            tables: ["employees": [["3", "4"], ["5", "0"]], "salaries": [["300000", "410,000"], ["$250,000", nil]]],
            cohorts: ["sector": "Non-profit"]))
        #expect(try study.cellVector(for: answers).prefix(8) == [3, 4, 5, 0, 300_000, 410_000, 250_000, 0])
    }

    @Test("a filled form written by Cairn reads back the same, for the pay-equity study too")
    func filledRoundTrip() throws {
        let study = try Fixtures.payEquity()
        var answers = study.emptySubmission()
        answers.cohorts["industry"] = "Professional, Scientific and Technical Services"
        for (row, column) in [(0, 0), (2, 5), (9, 23)] {
            answers["employees", row, column] = "\(row + column + 1)"
            answers["compensation", row, column] = "\((row + column + 1) * 80_000)"
            answers["performancePay", row, column] = "1000"
            answers["service", row, column] = "\((row + 1) * 12)"
        }
        let text = study.csvTemplate(filledWith: answers)
        #expect(text.contains("\r\nExecutive/Senior Level Officials and Managers,1,,"))
        #expect(try study.readCSV(text) == answers)
        // A cohort the file does not answer comes from the participation link.
        let withoutCohort = study.csvTemplate().replacingOccurrences(of: "cohort,industry,\r\n", with: "")
        #expect(try study.readCSV(withoutCohort, cohortAnswers: ["industry": "Other"]).cohorts == ["industry": "Other"])
    }

    @Test("the empty template reads as empty cells, with the required cells reported")
    func emptyTemplate() throws {
        let study = try Fixtures.quickstart()
        do {
            _ = try study.readCSV(study.csvTemplate())
            Issue.record("expected problems")
        } catch let error as StudyProblems {
            #expect(error.problems.descriptions == [
                "line 11, column C: no option is chosen for \"Which kind of organization are you?\"; choose one of: Company; Non-profit; Public sector",
                "line 15, column B (Number of employees, row 'Engineering', column 'Female'): is empty, but this cell must be filled in",
                "line 15, column C (Number of employees, row 'Engineering', column 'Male'): is empty, but this cell must be filled in",
                "line 16, column B (Number of employees, row 'Sales', column 'Female'): is empty, but this cell must be filled in",
                "line 16, column C (Number of employees, row 'Sales', column 'Male'): is empty, but this cell must be filled in",
            ])
        }
    }

    static let valid = """
        cohort,sector,Company
        employees,Female,Male
        Engineering,3,4
        Sales,5,0
        salaries,Female,Male
        Engineering,300000,410000
        Sales,250000,0
        """

    @Test("mistakes in a filled form name the line and column", arguments: [
        ("Engineering,300000,410000", "Engineering,300000.50,410000",
         "line 6, column B (Total annual salaries, row 'Engineering', column 'Female'): 300000.50 is not a whole number"),
        ("employees,Female,Male", "employees,Female,Men", "line 2, column C: expected the column label 'Male' of table 'employees' but found 'Men'"),
        ("employees,Female,Male", "employees,Female", "line 2, column C: the column label 'Male' of table 'employees' is missing"),
        ("Sales,5,0", "Marketing,5,0", "line 4, column A: 'Marketing' is not a row of table 'employees' (Number of employees); its rows are: Engineering; Sales"),
        ("Sales,5,0", "Sales,5,0,,9", "line 4: row 'Sales' of table 'employees' has 4 values where the table has 2 columns"),
        ("Sales,5,0", "Sales,5,0\nEngineering,1,1", "line 5, column A: row 'Engineering' of table 'employees' appears again; it is already on line 3"),
        ("cohort,sector,Company", "cohort,sector,Bank", "line 1, column C: 'Bank' is not one of the options"),
        ("cohort,sector,Company", "cohort,industry,Company", "line 1, column B: 'industry' is not a cohort of this study; its cohorts are 'sector'"),
        ("cohort,sector,Company\nemployees,Female,Male", "cohort,sector,Company\nEngineering,1,2\nemployees,Female,Male",
         "line 2, column A: 'Engineering' comes before any table header"),
        ("salaries,Female,Male\nEngineering,300000,410000\nSales,250000,0", "",
         "the file has no header line for table 'salaries' (Total annual salaries)"),
        ("salaries,Female,Male", "salaries,Female,Male\nSales,1,2\nsalaries,Female,Male", "line 7, column A: table 'salaries' starts again; it already started on line 5"),
        ("Sales,5,0", "Sales,\"5,0", "line 4, column B: a quoted cell is never closed"),
    ])
    func mistakes(find: String, replace: String, message: String) throws {
        let study = try Fixtures.quickstart()
        #expect(try study.readCSV(Self.valid).cohorts == ["sector": "Company"])
        let text = Self.valid.replacingOccurrences(of: find, with: replace)
        #expect(text != Self.valid)
        do {
            _ = try study.readCSV(text)
            Issue.record("expected an error mentioning \(message)")
        } catch let error as StudyProblems {
            #expect(error.problems.mentions(message), "got: \(error.problems.descriptions)")
        }
    }
}
