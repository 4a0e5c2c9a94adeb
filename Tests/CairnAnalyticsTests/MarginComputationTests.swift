import CairnArithmetic
import CairnMPC
import CairnStudy
import Foundation
import Testing
@testable import CairnAnalytics

/// Margins computed on the shares (issue 11, part 3): each margin cell the sum of its cells, with
/// its own suppression, and the differencing guard.
@Suite("Margins computed by three parties")
struct MarginComputationTests {
    /// Employees and pay by team (rows) and race × gender (columns "A / F", "A / M", "B / F",
    /// "B / M"); margins by team and gender (and all teams), and by race (and all) over all teams.
    static func study(minimum: Int? = 3, dominance: Double? = nil) -> StudyDefinition {
        let rows = StudyDefinition.Labels.list(["Eng", "Sales"]), columns = StudyDefinition.Labels.combine([["A", "B"], ["F", "M"]])
        return SuppressionFixtures.study(
            tables: [
                .init(id: "employees", title: "Employees", kind: .count, rows: rows, columns: columns),
                .init(id: "pay", title: "Pay", kind: .money, rows: rows, columns: columns, headcountTable: "employees"),
            ],
            statistics: .init(
                compute: [.count, .sum, .mean, .meanPerEmployee, .standardDeviation], minimumCellSize: minimum,
                dominance: dominance.map { .init(percent: $0) }),
            margins: [
                .init(id: "byGender", title: "By team and gender", tables: ["employees", "pay"],
                      rows: .init([.each, .all]), columns: .init([.part(2)])),
                .init(id: "byRace", title: "By race", tables: ["employees", "pay"],
                      rows: .init([.all]), columns: .init([.part(1), .all])),
            ])
    }

    /// A contributor with `employees` people per cell (nil: empty) paid `pay` each.
    static func vector(_ definition: StudyDefinition, employees: [[Int64?]], pay: Int64 = 1_000, sector: Int = 0) throws -> [UInt64] {
        try SuppressionFixtures.vector(
            definition, ["employees": employees, "pay": employees.map { $0.map { $0.map { $0 * pay } } }], sector: sector)
    }

    static let full: [[Int64?]] = [[2, 2, 2, 2], [2, 2, 2, 2]]

    @Test("with nothing suppressed, every margin cell is the sum of its cells over the contributors")
    func sums() async throws {
        let definition = Self.study(minimum: nil)
        let vectors = try (1...4).map { try Self.vector(definition, employees: [[$0, 1, 0, 3], [nil, 2, 5, $0]], pay: 100 * $0) }
        let results = try await SuppressionFixtures.run(definition, vectors)
        // byGender, Eng, F = (Eng, A/F) + (Eng, B/F): Σ (r + 0) employees, Σ 100r·r pay.
        let engFemale = try #require(SuppressionFixtures.cell(results, table: "employees", row: 0, column: 0, margin: "byGender"))
        #expect(engFemale.sum == 10 && engFemale.contributors == 4 && !engFemale.suppressed)
        let allMale = try #require(SuppressionFixtures.cell(results, table: "pay", row: 2, column: 1, margin: "byGender"))
        let allMaleSum: Int64 = (1...4).map { (r: Int64) -> Int64 in 100 * r * (6 + r) }.reduce(0, +)
        #expect(allMale.sum == allMaleSum)
        #expect(allMale.standardDeviation == nil, "margins carry no standard deviation")
        let grand = try #require(SuppressionFixtures.cell(results, table: "employees", row: 0, column: 2, margin: "byRace"))
        let grandSum: Int64 = (1...4).map { (r: Int64) -> Int64 in 2 * r + 11 }.reduce(0, +)
        #expect(grand.sum == grandSum)
        let payGrand = try #require(SuppressionFixtures.cell(results, table: "pay", row: 0, column: 2, margin: "byRace"))
        #expect(payGrand.meanPerEmployee == Double(payGrand.sum!) / Double(grand.sum!))
        // Sales, A/F is empty for everyone: that margin cell's contributors filled in only B/F.
        let salesFemale = try #require(SuppressionFixtures.cell(results, table: "employees", row: 1, column: 0, margin: "byGender"))
        #expect(salesFemale.contributors == 4 && salesFemale.sum == 20)
        SuppressionFixtures.expectEqual(results, StudyComputation(definition: definition).reference(vectors: vectors))
    }

    @Test("the classic attack: a margin minus its revealed cell would give the suppressed one away, so it is withheld")
    func differencing() async throws {
        let definition = Self.study()
        var vectors = try (0..<4).map { _ in try Self.vector(definition, employees: [[nil, 2, 2, 2], Self.full[1]]) }
        vectors[0] = try Self.vector(definition, employees: Self.full, pay: 7_777)  // alone in (Eng, A/F)
        let results = try await SuppressionFixtures.run(definition, vectors)
        #expect(SuppressionFixtures.cell(results, table: "pay", row: 0, column: 0)?.suppressed == true)
        #expect(SuppressionFixtures.cell(results, table: "pay", row: 0, column: 2)?.suppressed == false)
        // (Eng, F) = (Eng, A/F) + (Eng, B/F) has 4 contributors, but is withheld; so are the
        // margins above it that contain (Eng, A/F).
        for (table, row, column, margin) in [("pay", 0, 0, "byGender"), ("employees", 0, 0, "byGender"), ("pay", 2, 0, "byGender"),
                                             ("pay", 0, 0, "byRace"), ("pay", 0, 2, "byRace")] {
            #expect(SuppressionFixtures.cell(results, table: table, row: row, column: column, margin: margin)?.suppressed == true, "\(margin) \(row) \(column)")
        }
        #expect(SuppressionFixtures.cell(results, table: "pay", row: 0, column: 1, margin: "byGender")?.suppressed == false)
        let salesFemale: Int64 = 3 * (2 * 2 * 1_000) + 2 * 2 * 7_777
        #expect(SuppressionFixtures.cell(results, table: "pay", row: 1, column: 0, margin: "byGender")?.sum == salesFemale)
        SuppressionFixtures.expectEqual(results, StudyComputation(definition: definition).reference(vectors: vectors))
    }

    /// Contributors who each fill in the cells listed (team, column) with 2 employees, and every
    /// contributor the male columns and Sales B/F, so that those are revealed.
    static func sparse(_ definition: StudyDefinition, _ filled: [[(Int, Int)]]) throws -> [[UInt64]] {
        try filled.enumerated().map { r, cells in
            var employees: [[Int64?]] = [[nil, 2, nil, 2], [nil, 2, 2, 2]]
            for (row, column) in cells { employees[row][column] = 2 }
            return try Self.vector(definition, employees: employees, pay: 1_000 + Int64(r))
        }
    }

    @Test("two withheld cells of one contributor each: their residual of 2 is below 3, so the margin is withheld")
    func residualTooSmall() async throws {
        let definition = Self.study()
        let vectors = try Self.sparse(definition, [[(0, 0)], [(0, 2)], [], [], []])
        let results = try await SuppressionFixtures.run(definition, vectors)
        #expect(SuppressionFixtures.cell(results, table: "pay", row: 0, column: 0)?.suppressed == true)
        #expect(SuppressionFixtures.cell(results, table: "pay", row: 0, column: 2)?.suppressed == true)
        #expect(SuppressionFixtures.cell(results, table: "pay", row: 0, column: 0, margin: "byGender")?.suppressed == true)
        SuppressionFixtures.expectEqual(results, StudyComputation(definition: definition).reference(vectors: vectors))
    }

    @Test("withheld cells whose residual passes the rules (4 contributors) do not withhold the margin")
    func residualLargeEnough() async throws {
        let definition = Self.study()
        let vectors = try Self.sparse(definition, [[(0, 0)], [(0, 0)], [(0, 2)], [(0, 2)], []])
        let results = try await SuppressionFixtures.run(definition, vectors)
        #expect(SuppressionFixtures.cell(results, table: "pay", row: 0, column: 0)?.suppressed == true)
        let margin = try #require(SuppressionFixtures.cell(results, table: "pay", row: 0, column: 0, margin: "byGender"))
        #expect(!margin.suppressed && margin.contributors == 4 && margin.sum == 2 * (1_000 + 1_001 + 1_002 + 1_003))
        SuppressionFixtures.expectEqual(results, StudyComputation(definition: definition).reference(vectors: vectors))
    }

    @Test("nested margins: a margin withheld by the guard does not leak through its parent")
    func nested() async throws {
        let definition = Self.study()
        // (Eng, F): A/F by a and b, B/F by c: residual of 3, revealed. (Sales, F): A/F by d
        // alone: withheld by the guard. (All, F)'s cells leave a residual of 4 (a, b, c, d), but
        // minus the revealed (Eng, F) it leaves (Sales, F), and minus Sales B/F, d's figure.
        let vectors = try Self.sparse(definition, [[(0, 0)], [(0, 0)], [(0, 2)], [(1, 0)], []])
        let results = try await SuppressionFixtures.run(definition, vectors)
        #expect(SuppressionFixtures.cell(results, table: "pay", row: 0, column: 0, margin: "byGender")?.suppressed == false)
        #expect(SuppressionFixtures.cell(results, table: "pay", row: 1, column: 0, margin: "byGender")?.suppressed == true)
        #expect(SuppressionFixtures.cell(results, table: "pay", row: 1, column: 2)?.suppressed == false)
        #expect(SuppressionFixtures.cell(results, table: "pay", row: 2, column: 0, margin: "byGender")?.suppressed == true)
        let plan = StudyComputation(definition: definition).plan
        let allFemale = try #require(plan.cells.firstIndex { $0.margin == "byGender" && $0.table == "pay" && $0.row == 2 && $0.column == 0 })
        #expect(plan.levels.joined().filter { $0.margin == allFemale }.count == 2, "its cells, and the teams' margin cells")
        SuppressionFixtures.expectEqual(results, StudyComputation(definition: definition).reference(vectors: vectors))
    }

    @Test("seeded random studies with margins, cohorts and dominance: the parties reveal the reference", arguments: [0, 1, 2, 3, 64, 65])
    func random(contributors: Int) async throws {
        let definition = Self.study(minimum: 3, dominance: 70)
        var generator = SplitMix64(seed: 500 + UInt64(contributors))
        let vectors = try (0..<contributors).map { _ in
            let employees: [[Int64?]] = (0..<2).map { _ in
                (0..<4).map { _ in
                    switch generator.next() % 5 {
                    case 0: nil
                    case 1: 0
                    default: Int64(1 + generator.next() % 9)
                    }
                }
            }
            return try Self.vector(definition, employees: employees, pay: Int64(1 + generator.next() % 100_000), sector: Int(generator.next() % 3))
        }
        let results = try await SuppressionFixtures.run(definition, vectors)
        SuppressionFixtures.expectEqual(results, StudyComputation(definition: definition).reference(vectors: vectors))
        if contributors >= 64 { #expect(results.cells.contains { $0.margin != nil && !$0.suppressed }) }
    }
}
