import CairnStudy
import Foundation
import Testing

/// The checks a study definition's comparisons get when it is loaded.
@Suite("Comparisons in study definitions")
struct GapDefinitionTests {
    static let payEquity = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/pay-equity.json").path

    @Test("the pay-equity example declares the gender and race comparisons and is valid")
    func example() throws {
        let definition = try StudyDefinition.load(from: Self.payEquity)
        #expect(definition.allComparisons.map(\.id) == ["gender", "race"])
        #expect(definition.dominancePercent == 85)
        let jobRace = try #require(definition.allMargins.first { $0.id == "jobRace" })
        let groups = StudyDefinition.marginGroups(definition: definition, margin: jobRace)
        #expect(groups.rows.count == 11 && groups.rows.last == "All")
        #expect(groups.columns.first == "Hispanic or Latino" && groups.columns.count == 9 && groups.columns.last == "All")
        let jobGender = try #require(definition.allMargins.first { $0.id == "jobGender" })
        #expect(StudyDefinition.marginGroups(definition: definition, margin: jobGender).columns == ["Female", "Male", "Non-binary"])
    }

    @Test("comparisons that cannot be computed are refused, each with its reason", arguments: [
        ("margin", "nosuch", "is not a margin in this study"),
        ("compare", "Martian", "is not a column group of margin \"jobGender\""),
        ("with", "others", "has no \"All\" column group"),
        ("statistic", "sum", "compares \"sum\""),
        ("table", "employees", "names no \"headcountTable\""),
        ("with", "Female", "with itself"),
    ])
    func refused(field: String, value: String, reason: String) throws {
        var definition = try StudyDefinition.load(from: Self.payEquity)
        var comparison = definition.comparisons![0]
        switch field {
        case "margin": comparison.margin = value
        case "compare": comparison.compare = value
        case "with": comparison.with = value
        case "statistic": comparison.statistic = .sum
        default: comparison.table = value
        }
        definition.comparisons![0] = comparison
        let problems = definition.validate()
        #expect(problems.contains { $0.place == "comparison \"gender\"" && $0.message.contains(reason) }, "\(problems)")
    }

    @Test("a mean per contributor cannot be compared with all others")
    func meanWithOthers() throws {
        var definition = try StudyDefinition.load(from: Self.payEquity)
        definition.comparisons![1].statistic = .mean
        #expect(definition.validate().contains { $0.place == "comparison \"race\"" && $0.message.contains("cannot be counted") })
    }
}
