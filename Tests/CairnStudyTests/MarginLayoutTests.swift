import Foundation
import Testing
@testable import CairnStudy

/// Margins expanded into cells, and the definition's margins and dominance rule checked.
@Suite("Margins of a study definition")
struct MarginLayoutTests {
    /// The pay-equity tables (job categories × race/ethnicity and gender) with the two margins
    /// the benchmark and the gaps use, and a dominance rule.
    static func payEquity(margins: [StudyDefinition.Margin]? = nil, dominance: Double? = 85) throws -> StudyDefinition {
        var definition = try Fixtures.payEquity()
        definition.margins = margins ?? [
            .init(id: "jobGender", title: "By job and gender", tables: ["employees", "compensation"],
                  rows: .init([.each, .all]), columns: .init([.part(2)])),
            .init(id: "jobRace", title: "By job and race", tables: ["employees", "compensation"],
                  rows: .init([.each, .all]), columns: .init([.part(1), .all])),
        ]
        definition.comparisons = nil
        definition.statistics.dominance = dominance.map { .init(percent: $0) }
        return definition
    }

    @Test("groups: each job and all of them, by gender summed over race, by race summed over gender")
    func expansion() throws {
        let definition = try Self.payEquity()
        #expect(definition.validate().isEmpty)
        let margins = definition.marginLayout, layout = definition.cellLayout
        let jobGender = try #require(margins.axes.first { $0.margin == "jobGender" })
        #expect(jobGender.rows.count == 11 && jobGender.rows.last?.label == "All" && jobGender.rows.last?.members == Array(0..<10))
        #expect(jobGender.columns.map(\.label) == ["Female", "Male", "Non-binary"])
        // Columns run race-major, gender fastest: Female is every third column from 0.
        #expect(jobGender.columns[0].members == Array(stride(from: 0, to: 24, by: 3)))
        let jobRace = try #require(margins.axes.first { $0.margin == "jobRace" })
        #expect(jobRace.columns.count == 9 && jobRace.columns[4].label == "Asian" && jobRace.columns[4].members == [12, 13, 14])
        #expect(jobRace.columns.last?.members == Array(0..<24))
        #expect(margins.cells.count == 2 * (11 * 3) + 2 * (11 * 9))
        let first = try #require(margins.cells.first)
        #expect(first.margin == "jobGender" && first.table == "employees" && first.row == 0 && first.column == 0)
        #expect(first.baseCells == stride(from: 0, to: 24, by: 3).map { layout.cellIndex(table: "employees", row: 0, column: $0)! })
        let grand = try #require(margins.cellIndex(margin: "jobRace", table: "compensation", row: 10, column: 8))
        #expect(margins.cells[grand].baseCells.count == 240)
        #expect(margins.cells[grand].baseCells.first == layout.cellIndex(table: "compensation", row: 0, column: 0))
    }

    typealias Margin = StudyDefinition.Margin

    static let mistakes: [(String, [Margin], String)] = [
        ("unknown table", [.init(id: "m", title: "M", tables: ["nosuch"], rows: .init([.all]), columns: .init([.all]))],
         "names table \"nosuch\", which is not a table in this study"),
        ("part out of range", [.init(id: "m", title: "M", tables: ["employees"], rows: .init([.all]), columns: .init([.part(3)]))],
         "combine 2 lists; use a part from 1 to 2"),
        ("part of labels that are not combined", [.init(id: "m", title: "M", tables: ["employees"], rows: .init([.part(1)]), columns: .init([.all]))],
         "are not combined labels"),
        ("duplicate ids", [
            .init(id: "m", title: "M", tables: ["employees"], rows: .init([.all]), columns: .init([.all])),
            .init(id: "m", title: "M2", tables: ["employees"], rows: .init([.each]), columns: .init([.all])),
        ], "appears more than once; each margin needs its own id"),
        ("empty grouping", [.init(id: "m", title: "M", tables: ["employees"], rows: .init([]), columns: .init([.all]))],
         "\"rows\" is empty"),
        ("bad id", [.init(id: "1m", title: "M", tables: ["employees"], rows: .init([.all]), columns: .init([.all]))],
         "is not a short name"),
    ]

    @Test("each mistake in a margin is named in plain words", arguments: mistakes)
    func mistake(name: String, margins: [Margin], message: String) throws {
        let problems = try Self.payEquity(margins: margins).validate()
        #expect(problems.contains { $0.place.hasPrefix("margin") && $0.message.contains(message) }, "\(name): \(problems)")
    }

    @Test("tables with different rows or columns cannot share a margin")
    func differentShapes() throws {
        var definition = try Self.payEquity(margins: [
            .init(id: "m", title: "M", tables: ["employees", "small"], rows: .init([.all]), columns: .init([.all])),
        ])
        definition.tables.append(.init(id: "small", title: "Small", kind: .count, rows: .list(["a"]), columns: .list(["b"])))
        let problems = definition.validate()
        #expect(problems.contains { $0.place == "margin \"m\"" && $0.message.contains("must have the same rows and columns") })
        #expect(definition.marginLayout.cells.isEmpty)
    }

    @Test("the dominance percentage: between 0 and 100, two decimals, reduced to a fraction")
    func dominance() throws {
        #expect(StudyDefinition.dominanceFraction(85)! == (17, 20))
        #expect(StudyDefinition.dominanceFraction(99.99)! == (9_999, 10_000))
        #expect(StudyDefinition.dominanceFraction(85.001) == nil)
        for (percent, message) in [(0.0, "more than 0 and less than 100"), (100, "less than 100"), (85.125, "two decimal places")] {
            let problems = try Self.payEquity(dominance: percent).validate()
            #expect(problems.contains { $0.place == "statistics" && $0.message.contains(message) }, "\(percent): \(problems)")
        }
    }

    @Test("margins and a dominance rule written in JSON load as declared")
    func loads() throws {
        let definition = try Self.payEquity()
        let loaded = try StudyDefinition.load(from: try JSONEncoder().encode(definition))
        #expect(loaded.margins == definition.margins && loaded.statistics.dominance?.percent == 85)
        #expect(loaded.margins?[0].columns == .init([.part(2)]) && loaded.margins?[1].rows == .init([.each, .all]))
    }

    @Test("margins and dominance need a third compute party")
    func twoParties() throws {
        var definition = try Self.payEquity()
        definition.computeParties.removeAll { $0.role == .independent }
        let problems = definition.validate()
        #expect(problems.contains { $0.place == "field \"margins\"" && $0.message.contains("third compute party") })
        #expect(problems.contains { $0.message.contains("\"dominance\" needs a third compute party") })
    }
}
