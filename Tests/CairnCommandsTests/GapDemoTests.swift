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

    @Test("some employers pay performance pay and some pay none at all")
    func bonuses() throws {
        let employers = Self.employers(40, seed: 12)
        let totals = employers.map { employer in
            (employer.tables["performancePay"] ?? []).joined().compactMap { $0.flatMap(Double.init) }.reduce(0, +)
        }
        #expect(totals.contains(0) && totals.contains { $0 > 0 })
    }
}
