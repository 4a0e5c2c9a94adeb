import CairnAnalytics
import CairnArithmetic
import CairnStudy
import Foundation
import Testing
@testable import CairnCommands

/// The demo's simulated employers have the pay gaps the report is there to show.
@Suite("The demo's simulated pay gaps")
struct GapDemoTests {
    static let definition = try! StudyDefinition.load(
        from: StudyProcessTests.packageRoot.appendingPathComponent("examples/pay-equity.json").path)

    static func employers(_ count: Int, seed: UInt64) -> [FilledTables] {
        var generator = SplitMix64(seed: seed)
        let simulated = SimulatedTables(definition: definition)
        return (0..<count).map { _ in simulated.make(using: &generator) }
    }

    /// Total compensation ÷ employees over the columns `belongs` picks, in row `row` (all if nil).
    static func perEmployee(_ employers: [FilledTables], row: Int?, _ belongs: (String) -> Bool) -> Double {
        let table = definition.table("compensation")!
        let rows = definition.rowLabels(of: table), columns = definition.columnLabels(of: table)
        var pay = 0.0, people = 0.0
        for employer in employers {
            for r in rows.indices where row == nil || r == row {
                for (c, label) in columns.enumerated() where belongs(label) {
                    pay += Double(employer["compensation", r, c] ?? "0")!
                    people += Double(employer["employees", r, c] ?? "0")!
                }
            }
        }
        return pay / people
    }

    @Test("women are paid 78–87% of men per employee, overall and in each job category; races differ; deterministic")
    func gaps() throws {
        let employers = Self.employers(60, seed: 11)
        #expect(Self.employers(3, seed: 11) == Array(employers.prefix(3)))
        let female = { (label: String) in label.hasSuffix(" / Female") }, male = { (label: String) in label.hasSuffix(" / Male") }
        let overall = Self.perEmployee(employers, row: nil, female) / Self.perEmployee(employers, row: nil, male)
        #expect((0.78...0.87).contains(overall), "overall \(overall)")
        for row in 0..<10 {
            let ratio = Self.perEmployee(employers, row: row, female) / Self.perEmployee(employers, row: row, male)
            #expect((0.74...0.92).contains(ratio), "row \(row): \(ratio)")
        }
        let white = Self.perEmployee(employers, row: nil) { $0.hasPrefix("White / ") }
        let black = Self.perEmployee(employers, row: nil) { $0.hasPrefix("Black or African American / ") }
        let hispanic = Self.perEmployee(employers, row: nil) { $0.hasPrefix("Hispanic or Latino / ") }
        #expect(black / white < 0.95 && hispanic / white < 0.95 && abs(black / white - hispanic / white) > 0.001)
    }

    @Test("the report's gender gaps on the demo's data equal a cleartext computation from the employers' tables")
    func reportedGapsMatchCleartext() throws {
        let employers = Self.employers(120, seed: 13)
        let vectors = try employers.map { try Self.definition.cellVector(for: $0) }
        // The parties reveal what the reference computes (the multi-process and margin suites
        // check that); the report derives the gaps from it.
        let results = StudyComputation(definition: Self.definition).reference(vectors: vectors)
        let report = ResultsReport(definition: Self.definition, results: results, computedAt: Date(), contributors: employers.count)
        let gender = try #require(report.comparisons?.first { $0.id == "gender" })
        let rows = Self.definition.rowLabels(of: Self.definition.table("compensation")!)
        #expect(gender.gaps.map(\.row) == rows + [StudyDefinition.allLabel])
        let female = { (label: String) in label.hasSuffix(" / Female") }, male = { (label: String) in label.hasSuffix(" / Male") }
        // A figure is withheld where a lone withheld cell would follow from its total (with 120
        // employers: three of the eleven); every figure shown is the cleartext one.
        #expect(gender.gaps.filter { $0.ratio != nil }.count >= 6)
        for gap in gender.gaps where !gap.withheld {
            let row = rows.firstIndex(of: gap.row)
            let women = Self.perEmployee(employers, row: row, female), men = Self.perEmployee(employers, row: row, male)
            let reported = try #require(gap.ratio, "\(gap.row) withheld")
            #expect(abs(reported - women / men) < 1e-9, "\(gap.row): \(reported) vs \(women / men)")
            let paidWomen = try #require(gap.compare.value), paidMen = try #require(gap.with.value)
            #expect(abs(paidWomen - women) < 1e-6 && abs(paidMen - men) < 1e-6)
        }
    }

    @Test("some employers pay performance pay and some pay none at all")
    func bonuses() throws {
        let employers = Self.employers(40, seed: 12)
        let totals = employers.map { employer in
            (employer.tables["performancePay"] ?? []).joined().compactMap { $0.flatMap(Double.init) }.reduce(0, +)
        }
        #expect(totals.contains(0) && totals.contains { $0 > 0 })
    }
}
