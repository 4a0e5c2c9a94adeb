import Foundation
import Testing
@testable import CairnStudy

@Suite("Loading study definitions")
struct DefinitionLoadingTests {
    @Test("the pay-equity example loads: four tables of 10 job categories × 24 race/ethnicity and gender columns")
    func payEquity() throws {
        let study = try Fixtures.payEquity()
        #expect(study.validate().isEmpty)
        #expect(study.tables.map(\.id) == ["employees", "compensation", "performancePay", "service"])
        #expect(study.tables.map(\.kind) == [.count, .money, .money, .months])
        for table in study.tables {
            #expect(study.rowLabels(of: table).count == 10)
            #expect(study.columnLabels(of: table).count == 24)
        }
        let columns = study.columnLabels(of: study.tables[0])
        #expect(columns.first == "Hispanic or Latino / Female")
        #expect(columns[1] == "Hispanic or Latino / Male")
        #expect(columns[2] == "Hispanic or Latino / Non-binary")
        #expect(columns.last == "Other/Unknown / Non-binary")
        #expect(study.rowLabels(of: study.tables[3]).first == "Executive/Senior Level Officials and Managers")
        #expect(study.cellCount == 960)
        #expect(study.cellLayout.vectorLength == 2 * 960 + 14)
        #expect(study.computeParties.map(\.role) == [.serviceProvider, .analyst, .independent])
        #expect(study.computeParties[1].name == "Boston Women's Workforce Council")
        #expect(study.recipients == ["bwwc"])
        #expect(study.statistics.minimumCellSize == 3)
        #expect(study.statistics(for: study.tables[0]) == [.count, .sum, .mean, .standardDeviation])
        #expect(study.statistics(for: study.tables[1]).contains(.meanPerEmployee))
    }

    @Test("the quick-start example loads")
    func quickstart() throws {
        let study = try Fixtures.quickstart()
        #expect(study.tables.count == 2)
        #expect(study.cellCount == 8)
        #expect(study.cellLayout.vectorLength == 16 + 3)
        #expect(study.cellRules(table: study.tables[0], row: 1, column: 1) == .init(required: true, minimum: 0, maximum: 100000, decimalPlaces: 0))
    }

    @Test("a definition survives encoding and decoding")
    func roundTrip() throws {
        let study = try Fixtures.payEquity()
        let again = try StudyDefinition.load(from: try study.jsonData())
        #expect(again == study)
    }

    @Test("a file that cannot be read is named")
    func missingFile() {
        do {
            _ = try StudyDefinition.load(from: "/nonexistent/study.json")
            Issue.record("expected an error")
        } catch let error as StudyProblems {
            #expect(error.subject == "/nonexistent/study.json")
            #expect(error.description.contains("cannot be read"))
        } catch { Issue.record("unexpected \(error)") }
    }

    static let quickstartJSON = (try? String(contentsOfFile: Fixtures.examplePath("quickstart.json"), encoding: .utf8)) ?? ""

    @Test("JSON mistakes are explained in plain words", arguments: [
        ("$ALL$", "{\"id\": ", "is not valid JSON"),
        ("$ALL$", "[1, 2]", "should hold one JSON object"),
        ("\"title\": \"Number of employees\"", "\"title\": 7", "table \"employees\", field \"title\": should be text in double quotes"),
        ("\"minimumCellSize\": 3", "\"minimumCellSize\": \"three\"", "field \"statistics\", field \"minimumCellSize\": should be a whole number"),
        ("\"required\": true", "\"required\": \"yes\"", "table \"employees\", field \"validation\", field \"required\": should be true or false"),
        ("\"minimumCellSize\": 3", "\"minimumCelSize\": 3", "statistics\": unknown field \"minimumCelSize\" (did you mean \"minimumCellSize\"?)"),
        ("\"kind\": \"money\"", "\"kind\": \"cash\"", "table \"salaries\", field \"kind\": \"cash\" is not one of \"count\", \"money\", \"months\", \"number\""),
        ("\"kind\": \"count\",", "", "table \"employees\": missing field \"kind\""),
        ("\"role\": \"analyst\"", "\"role\": \"analyzer\"", "compute party \"analyst\", field \"role\": \"analyzer\" is not one of"),
        ("\"rows\": [\"Engineering\", \"Sales\"],\n      \"columns\": [\"Female\", \"Male\"],\n      \"validation\"", "\"rows\": 3,\n      \"columns\": [\"Female\", \"Male\"],\n      \"validation\"", "table \"employees\", field \"rows\": should be a list of labels"),
        ("\"recipients\": [\"analyst\"]", "\"recipients\": [\"analyst\"], \"recipient\": 1", "unknown field \"recipient\" (did you mean \"recipients\"?)"),
    ])
    func jsonMistakes(find: String, replace: String, message: String) throws {
        let text = find == "$ALL$" ? replace : Self.quickstartJSON.replacingOccurrences(of: find, with: replace)
        #expect(text != Self.quickstartJSON)
        do {
            _ = try StudyDefinition.load(from: Data(text.utf8))
            Issue.record("expected an error mentioning \(message)")
        } catch let error as StudyProblems {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }
}
