import Foundation
import Testing
@testable import CairnStudy

/// A number typed with a thousands separator and no quotes (`74,607`) is two CSV values; the rest
/// of its row then lands one column to the right. Such a row must be refused, never read shifted.
@Suite("CSV rows with more values than columns")
struct CSVShiftedRowTests {
    static let valid = DefinitionCSVTests.valid

    func problems(_ text: String, _ study: StudyDefinition) throws -> [String] {
        do {
            _ = try study.readCSV(text)
            return []
        } catch let error as StudyProblems {
            return error.problems.descriptions
        }
    }

    @Test("a split number whose last column was empty is refused, naming the line and the cause")
    func shiftedIntoEmptyLastColumn() throws {
        let study = try Fixtures.quickstart()
        // The Male cell is empty: before, the row read as Female 300, Male 0 and was accepted.
        let text = Self.valid.replacingOccurrences(of: "Engineering,300000,410000", with: "Engineering,300,000,")
        #expect(try problems(text, study) == [
            "line 6: row 'Engineering' of table 'salaries' has 3 values where the table has 2 columns; a number written with a "
                + "thousands separator, perhaps 300,000 (columns B and C here), splits into two values — write 300000 or put it in quotes",
        ])
    }

    @Test("a split number with a value after it is refused once, without other problems from the shifted cells")
    func shiftedWithValueAfter() throws {
        let study = try Fixtures.quickstart()
        let text = Self.valid.replacingOccurrences(of: "Engineering,300000,410000", with: "Engineering,300,000,410000")
        let found = try problems(text, study)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.hasPrefix("line 6: row 'Engineering' of table 'salaries' has 3 values where the table has 2 columns") == true)
    }

    @Test("without a likely split the message gives the general example")
    func generalExample() throws {
        let study = try Fixtures.quickstart()
        let text = Self.valid.replacingOccurrences(of: "Sales,5,0", with: "Sales,5,0,,9")
        #expect(try problems(text, study) == [
            "line 4: row 'Sales' of table 'employees' has 4 values where the table has 2 columns; a number written with a "
                + "thousands separator, like 74,607, splits into two values — write 74607 or put it in quotes",
        ])
    }

    @Test("a quoted thousands separator is one value")
    func quoted() throws {
        let study = try Fixtures.quickstart()
        let text = Self.valid.replacingOccurrences(of: "Engineering,300000,410000", with: "Engineering,\"300,000\",410000")
        #expect(try problems(text, study).allSatisfy { !$0.contains("values where the table has") })
    }

    @Test("lines padded with empty cells to the width of the widest line, headers included, are read")
    func spreadsheetPadding() throws {
        let study = try Fixtures.quickstart()
        let padded = Self.valid.split(separator: "\n").map { line in
            line + String(repeating: ",", count: 5 - line.split(separator: ",", omittingEmptySubsequences: false).count)
        }.joined(separator: "\n")
        let read = try study.readCSV(padded)
        #expect(read["salaries", 0, 0] == "300000")
        #expect(read["employees", 1, 1] == "0")
        // A row one field wider than its padded header is still refused.
        let split = padded.replacingOccurrences(of: "Engineering,300000,410000,,", with: "Engineering,300,000,410000,,")
        #expect(try problems(split, study).first?.hasPrefix("line 6: row 'Engineering' of table 'salaries' has 5 values") == true)
    }
}

/// Typed in on the page or sent as JSON, the place is the tables, row and column (see
/// DefinitionSubmissionTests); read from a CSV file, it is the lines too.
@Suite("Cross-table rule problems name their place")
struct CSVCrossTableRulePlaceTests {
    @Test("from a CSV file: both lines and columns, the tables, the row and the column")
    func fromCSV() throws {
        let study = try Fixtures.quickstart()
        let text = DefinitionCSVTests.valid.replacingOccurrences(of: "Sales,250000,0", with: "Sales,250000,50000")
        do {
            _ = try study.readCSV(text)
            Issue.record("expected the zeroTogether rule to refuse the file")
        } catch let error as StudyProblems {
            #expect(error.problems.descriptions == [
                "line 4, column C and line 7, column C (Number of employees and Total annual salaries, row 'Sales', column 'Male'): "
                    + "Number of employees is 0 but Total annual salaries is 50000; these must be zero (or empty) together",
            ])
        }
    }
}

@Suite("The CSV template explains 0, empty and what is withheld")
struct CSVTemplateNotesTests {
    @Test("without suppression only 0 and empty are explained")
    func noSuppression() throws {
        var study = try Fixtures.quickstart()
        study.statistics.minimumCellSize = nil
        #expect(study.zeroAndEmptyNotes == [
            "0 and empty differ: write 0 where the answer is zero, and leave a cell empty where it does not apply to you. An empty cell is not counted at all.",
        ])
    }

    @Test("the dominance rule and the totals are stated with the study's own percentage, in the template too")
    func dominance() throws {
        var study = try Fixtures.quickstart()
        study.statistics.dominance = .init(percent: 85)
        let notes = study.zeroAndEmptyNotes
        #expect(notes.contains("A figure is also withheld when one organization holds more than 85% of its total."))
        #expect(notes.last == "Totals are withheld too when they would give away a withheld figure.")
        study.statistics.dominance = .init(percent: 62.5)
        let template = try CSV.read(study.csvTemplate()).map { $0.fields[0] }
        #expect(template.contains("# A figure is also withheld when one organization holds more than 62.5% of its total."))
        #expect(template.contains("# In tables of money and of months, only values other than 0 count towards that minimum."))
        // The notes are comments: a filled template reads back as it was filled.
        let answers = try study.readCSV(DefinitionCSVTests.valid)
        #expect(try study.readCSV(study.csvTemplate(filledWith: answers)) == answers)
    }
}
