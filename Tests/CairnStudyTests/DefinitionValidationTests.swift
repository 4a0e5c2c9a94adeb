import Foundation
import Testing
@testable import CairnStudy

/// A change to the quick-start study and a problem it must cause.
struct Mistake: Sendable, CustomTestStringConvertible {
    var expected: String
    var change: @Sendable (inout StudyDefinition) -> Void
    var testDescription: String { expected }
    init(_ expected: String, _ change: @escaping @Sendable (inout StudyDefinition) -> Void) {
        self.expected = expected
        self.change = change
    }
}

@Suite("Validating study definitions")
struct DefinitionValidationTests {
    static let offCurveKey = Data([0x04] + Array(repeating: 0x01, count: 64)).base64EncodedString()

    static let mistakes: [Mistake] = [
        Mistake("field \"formatVersion\": is 2, but this version of Cairn reads format 1 only") { $0.formatVersion = 2 },
        Mistake("field \"id\": \"my study\" is not a short name") { $0.id = "my study" },
        Mistake("field \"title\": is empty") { $0.title = " " },
        Mistake("field \"tables\": is empty; a study needs at least one table") { $0.tables = []; $0.rules = nil },
        Mistake("table \"employees\": appears more than once") { $0.tables[1].id = "employees" },
        Mistake("table \"cohort\": \"cohort\" cannot be a table id") { $0.tables[1].id = "cohort"; $0.rules = nil },
        Mistake("table \"employees\": \"rows\" names the label list \"teams\", which the study does not define (it has no \"labelLists\")") {
            $0.tables[0].rows = .named("teams")
        },
        Mistake("table \"employees\", columns: has no columns") { $0.tables[0].columns = .list([]) },
        Mistake("table \"employees\", rows: has the row \"sales\" more than once") { $0.tables[0].rows = .list(["Sales", "sales"]) },
        Mistake("table \"employees\", rows: row \" Sales\" starts or ends with a space") { $0.tables[0].rows = .list(["Engineering", " Sales"]) },
        Mistake("table \"salaries\", row \"employees\": a row label cannot also be a table id") {
            $0.tables[1].rows = .list(["Engineering", "employees"])
        },
        Mistake("table \"salaries\", field \"validation\": \"decimalPlaces\" is only for \"number\" tables; money cells are whole numbers") {
            $0.tables[1].validation = .init(decimalPlaces: 2)
        },
        Mistake("table \"employees\", field \"validation\": \"minimum\" (10) is greater than \"maximum\" (5)") {
            $0.tables[0].validation = .init(minimum: 10, maximum: 5)
        },
        Mistake("table \"employees\", field \"validation\": \"minimum\" is -1, but a number of people cannot be negative") {
            $0.tables[0].validation = .init(minimum: -1)
        },
        Mistake("table \"employees\", field \"validation\": \"maximum\" is 10000000000000; it must be between") {
            $0.tables[0].validation = .init(maximum: 1e13)
        },
        Mistake("table \"salaries\", override 1: names row \"Marketing\", which is not a row of this table") {
            $0.tables[1].overrides = [.init(row: "Marketing", validation: .init(maximum: 5))]
        },
        Mistake("table \"salaries\", override 1: names column \"Other\", which is not a column of this table") {
            $0.tables[1].overrides = [.init(column: "Other", validation: .init(maximum: 5))]
        },
        Mistake("table \"salaries\", override 1: names neither a \"row\" nor a \"column\"") {
            $0.tables[1].overrides = [.init(validation: .init(maximum: 5))]
        },
        Mistake("table \"salaries\": \"headcountTable\" names table \"staff\", which is not a table in this study") {
            $0.tables[1].headcountTable = "staff"
        },
        Mistake("table \"salaries\": \"headcountTable\" names the table itself") { $0.tables[1].headcountTable = "salaries" },
        Mistake("table \"salaries\": \"headcountTable\" names table \"employees\", whose kind is \"months\"; it must be a \"count\" table") {
            $0.tables[0].kind = .months
        },
        Mistake("table \"salaries\": \"headcountTable\" names table \"employees\", which must have the same rows and columns") {
            $0.tables[0].columns = .list(["Male", "Female"])
        },
        Mistake("table \"salaries\": asks for \"meanPerEmployee\" but has no \"headcountTable\"") {
            $0.tables[1].headcountTable = nil
            $0.tables[1].statistics = [.meanPerEmployee]
        },
        Mistake("statistics: asks for \"meanPerEmployee\", but no table names a \"headcountTable\"") { $0.tables[1].headcountTable = nil },
        Mistake("rule 1 (zeroTogether): names table \"staff\", which is not a table in this study") {
            $0.rules = [.init(rule: .zeroTogether, tables: ["employees", "staff"])]
        },
        Mistake("rule 1 (zeroTogether): must list at least two tables") { $0.rules = [.init(rule: .zeroTogether, tables: ["employees"])] },
        Mistake("rule 1 (notGreaterThan): must list exactly two tables") {
            $0.rules = [.init(rule: .notGreaterThan, tables: ["employees", "salaries", "employees"])]
        },
        Mistake("rule 1 (zeroTogether): tables \"employees\" and \"salaries\" must have the same rows and columns") {
            $0.tables[1].rows = .list(["Engineering"])
        },
        Mistake("cohort \"sector\": must offer at least two options") { $0.cohorts![0].options = ["Company"] },
        Mistake("cohort \"sector\": has the option \"company\" more than once") { $0.cohorts![0].options = ["Company", "company"] },
        Mistake("cohort \"sector\": has an empty \"question\"") { $0.cohorts![0].question = "" },
        Mistake("statistics: \"compute\" is empty") { $0.statistics.compute = [] },
        Mistake("statistics: \"compute\" lists a statistic more than once") { $0.statistics.compute = [.sum, .sum] },
        Mistake("statistics: \"minimumCellSize\" is 0; it must be 1 or more") { $0.statistics.minimumCellSize = 0 },
        Mistake("field \"computeParties\": lists 4 parties; a study needs two or three") {
            $0.computeParties.append(.init(id: "extra", name: "Extra", role: .independent, address: "h:1", submissionKey: Fixtures.keys[0]))
        },
        Mistake("field \"computeParties\": has 0 parties with the role \"serviceProvider\"") { $0.computeParties[0].role = .independent },
        Mistake("field \"computeParties\": has no party with the role \"analyst\"") { $0.computeParties[1].role = .independent },
        Mistake("compute party 2 (Example Analyst): has the address \"analyst.example.org\", which is not host:port") {
            $0.computeParties[1].address = "analyst.example.org"
        },
        Mistake("compute party 1 (Example Service Provider): \"submissionKey\" is not base64 text") {
            $0.computeParties[0].submissionKey = "not a key!"
        },
        Mistake("compute party 1 (Example Service Provider): \"submissionKey\" is not an uncompressed P-256 public key (65 bytes starting with 04, base64-encoded; it has 3 bytes)") {
            $0.computeParties[0].submissionKey = "AAAA"
        },
        Mistake("compute party 1 (Example Service Provider): \"submissionKey\" is not a point on the P-256 curve") {
            $0.computeParties[0].submissionKey = offCurveKey
        },
        Mistake("compute party 3 (Example University): has the same \"submissionKey\" as another party") {
            $0.computeParties[2].submissionKey = $0.computeParties[0].submissionKey
        },
        Mistake("compute party 2 (Example Analyst): \"certificateFingerprint\" is not a SHA-256 fingerprint") {
            $0.computeParties[1].certificateFingerprint = "AB:CD"
        },
        Mistake("compute party 3 (example service provider): has the same name as another party") {
            $0.computeParties[2].name = "example service provider"
        },
        Mistake("compute party 2 (Example Analyst): has the id \"provider\", which another party already has") {
            $0.computeParties[1].id = "provider"
            $0.recipients = ["provider"]
        },
        Mistake("field \"recipients\": names \"bwwc\", which is not the id of a compute party") { $0.recipients = ["bwwc"] },
        Mistake("field \"recipients\": names \"independent\", whose role is \"independent\"; only an \"analyst\" party may receive the results") {
            $0.recipients = ["analyst", "independent"]
        },
        Mistake("field \"recipients\": is empty") { $0.recipients = [] },
        Mistake("field \"tables\": the tables have 120008 cells in all; a study may have at most 100000") {
            $0.tables.append(.init(
                id: "big", title: "Big", kind: .number, rows: .list((1...400).map { "r\($0)" }),
                columns: .list((1...300).map { "c\($0)" })))
        },
    ]

    @Test("every rule fails with its plain message", arguments: mistakes)
    func mistake(_ mistake: Mistake) throws {
        var study = try Fixtures.quickstart()
        #expect(study.validate().isEmpty)
        mistake.change(&study)
        let problems = study.validate()
        #expect(problems.mentions(mistake.expected), "got: \(problems.descriptions)")
    }

    @Test("all problems are collected, and loading reports them all")
    func collectsAll() throws {
        var study = try Fixtures.quickstart()
        study.title = ""
        study.tables[1].headcountTable = "staff"
        study.computeParties[0].address = "nowhere"
        study.recipients = ["nobody"]
        let problems = study.validate()
        #expect(problems.count == 4, "got: \(problems.descriptions)")
        do {
            _ = try StudyDefinition.load(from: try study.jsonData(), name: "study.json")
            Issue.record("expected problems")
        } catch let error as StudyProblems {
            #expect(error.problems == problems)
            #expect(error.description.hasPrefix("study.json has 4 problems:\n  - field \"title\": is empty"))
        }
    }

    @Test("labels: named lists and combinations")
    func labels() throws {
        var study = try Fixtures.quickstart()
        study.labelLists = ["teams": .list(["Engineering", "Sales"]), "people": .combine([["A", "B"], ["F", "M"]])]
        study.tables[0].rows = .named("teams")
        study.tables[1].rows = .named("teams")
        study.tables[0].columns = .named("people")
        study.tables[1].columns = .named("people")
        #expect(study.validate().isEmpty, "\(study.validate().descriptions)")
        #expect(study.columnLabels(of: study.tables[1]) == ["A / F", "A / M", "B / F", "B / M"])
        study.labelLists!["chain"] = .named("teams")
        #expect(study.validate().mentions("label list \"chain\": must be a list of labels or a combination"))
    }

    @Test("cell rules: the kind's defaults, then the table's, then overrides in order")
    func cellRules() throws {
        var study = try Fixtures.quickstart()
        study.tables[1].validation = .init(maximum: 1_000_000)
        study.tables[1].overrides = [
            .init(row: "Sales", validation: .init(maximum: 500_000)),
            .init(row: "Sales", column: "Male", validation: .init(required: true)),
        ]
        let table = study.tables[1]
        #expect(study.cellRules(table: table, row: 0, column: 1) == .init(required: false, minimum: 0, maximum: 1_000_000, decimalPlaces: 0))
        #expect(study.cellRules(table: table, row: 1, column: 0) == .init(required: false, minimum: 0, maximum: 500_000, decimalPlaces: 0))
        #expect(study.cellRules(table: table, row: 1, column: 1) == .init(required: true, minimum: 0, maximum: 500_000, decimalPlaces: 0))
    }
}

@Suite("Two compute parties")
struct TwoPartyTests {
    func twoParties() throws -> StudyDefinition {
        var study = try Fixtures.quickstart()
        study.computeParties.removeLast()
        return study
    }

    @Test("suppression, standard deviation and secret cohorts need a third party")
    func restricted() throws {
        var study = try twoParties()
        study.statistics.compute.append(.standardDeviation)
        let problems = study.validate()
        #expect(problems.count == 3, "got: \(problems.descriptions)")
        #expect(problems.mentions("statistics: \"standardDeviation\" needs a third compute party"))
        #expect(problems.mentions("statistics: \"minimumCellSize\" needs a third compute party: withholding small cells compares secret values"))
        #expect(problems.mentions("cohort \"sector\": a secret choice of cohort needs a third compute party"))
        #expect(problems.mentions("set \"assignedBy\": \"link\""))
    }

    @Test("a table's own standard deviation is refused too")
    func tableStatistics() throws {
        var study = try twoParties()
        study.statistics.minimumCellSize = nil
        study.cohorts = nil
        study.tables[1].statistics = [.sum, .standardDeviation]
        #expect(study.validate().descriptions == [
            "statistics: \"standardDeviation\" needs a third compute party: it squares secret values, which is not possible with two compute parties, which can only add up the contributors' shares",
        ])
    }

    @Test("sums, counts, means and means per employee, by linked cohort, are allowed")
    func allowed() throws {
        var study = try twoParties()
        study.statistics = .init(compute: [.count, .sum, .mean, .meanPerEmployee])
        study.cohorts![0].assignedBy = .link
        #expect(study.validate().isEmpty, "\(study.validate().descriptions)")
        #expect(StudyDefinition.Statistic.allCases.filter(\.isLinear) == [.count, .sum, .mean, .meanPerEmployee])
    }
}
