import CairnArithmetic
import CairnMPC
import CairnStudy
import Foundation
import Testing
@testable import CairnAnalytics

/// The magnitude rules of issue 11, part 2: only non-zero contributors count towards the minimum
/// for money and months, and the dominance rule withholds a cell whose largest contributor holds
/// more than p% of its total; both computed on the shares.
@Suite("Magnitude suppression and the dominance rule")
struct DominanceTests {
    /// Employees (count) and bonuses (money, with that headcount), by gender.
    static func study(minimum: Int? = 3, dominance: Double? = nil) -> StudyDefinition {
        let rows = StudyDefinition.Labels.list(["Staff"]), columns = StudyDefinition.Labels.list(["Female", "Male"])
        return SuppressionFixtures.study(
            tables: [
                .init(id: "employees", title: "Employees", kind: .count, rows: rows, columns: columns),
                .init(id: "bonus", title: "Bonuses", kind: .money, rows: rows, columns: columns, headcountTable: "employees"),
            ],
            statistics: .init(
                compute: [.count, .sum, .mean, .meanPerEmployee], minimumCellSize: minimum,
                dominance: dominance.map { .init(percent: $0) }))
    }

    /// Contributors with two employees per cell and these bonuses (female, male), in sector 0
    /// unless `sectors` says otherwise.
    static func vectors(_ definition: StudyDefinition, _ bonuses: [(Int64, Int64)], sectors: [Int]? = nil) throws -> [[UInt64]] {
        try bonuses.enumerated().map { r, bonus in
            try SuppressionFixtures.vector(
                definition, ["employees": [[2, 2]], "bonus": [[bonus.0, bonus.1]]], sector: sectors?[r] ?? 0)
        }
    }

    @Test("a bonus cell where one employer pays and four pay 0 is suppressed; the count cell is not")
    func oneNonzeroBonus() async throws {
        let definition = Self.study()
        let vectors = try Self.vectors(definition, [(1_000, 100), (0, 200), (0, 300), (0, 400), (0, 500)])
        let results = try await SuppressionFixtures.run(definition, vectors)
        let lonely = try #require(SuppressionFixtures.cell(results, table: "bonus", row: 0, column: 0))
        #expect(lonely.suppressed && lonely.sum == nil && lonely.nonzeroContributors == nil)
        let shared = try #require(SuppressionFixtures.cell(results, table: "bonus", row: 0, column: 1))
        #expect(!shared.suppressed && shared.sum == 1_500 && shared.nonzeroContributors == 5 && shared.contributors == 5)
        let employees = try #require(SuppressionFixtures.cell(results, table: "employees", row: 0, column: 0))
        #expect(!employees.suppressed && employees.contributors == 5 && employees.nonzeroContributors == nil)
        SuppressionFixtures.expectEqual(results, StudyComputation(definition: definition).reference(vectors: vectors))
    }

    @Test(
        "the largest contributor's share against p: strictly more is suppressed",
        arguments: [
            (85.0, [Int64(900), 50, 50], true), (85.0, [800, 100, 100], false), (85.0, [85, 15], false),
            (85.0, [86, 14], true), (50.0, [500, 500], false), (50.0, [501, 499], true), (85.0, [0, 0, 0], false),
            (85.0, [100_000_000_000, 0, 0], true), (99.99, [9_999, 1], false), (99.99, [99_999, 1], true),
        ])
    func dominance(percent: Double, values: [Int64], suppressed: Bool) async throws {
        let definition = Self.study(minimum: nil, dominance: percent)
        let vectors = try Self.vectors(definition, values.map { ($0, 1) })
        let results = try await SuppressionFixtures.run(definition, vectors)
        let cell = try #require(SuppressionFixtures.cell(results, table: "bonus", row: 0, column: 0))
        #expect(cell.suppressed == suppressed)
        #expect(SuppressionFixtures.cell(results, table: "employees", row: 0, column: 0)?.suppressed == false)
        SuppressionFixtures.expectEqual(results, StudyComputation(definition: definition).reference(vectors: vectors))
    }

    @Test("dominance is judged per cohort option: dominant in its sector, not overall")
    func perCohort() async throws {
        let definition = Self.study(minimum: nil, dominance: 85)
        let vectors = try Self.vectors(definition, [(900, 1), (10, 1), (1_000, 1), (1_000, 1), (1_000, 1)], sectors: [0, 0, 1, 1, 1])
        let results = try await SuppressionFixtures.run(definition, vectors)
        let sector = "sector: \(definition.allCohorts[0].options[0])"
        #expect(SuppressionFixtures.cell(results, table: "bonus", row: 0, column: 0, cohort: sector)?.suppressed == true)
        #expect(SuppressionFixtures.cell(results, table: "bonus", row: 0, column: 0)?.suppressed == false)
        SuppressionFixtures.expectEqual(results, StudyComputation(definition: definition).reference(vectors: vectors))
    }

    @Test("an invalid contribution neither dominates nor counts", arguments: [UInt64(1) << 40, UInt64(0) &- 5])
    func invalidLeftOut(value: UInt64) async throws {
        let definition = Self.study(minimum: nil, dominance: 85)
        var vectors = try Self.vectors(definition, [(100, 1), (100, 1), (100, 1)])
        var forged = vectors[0]
        forged[definition.cellLayout.cellIndex(table: "bonus", row: 0, column: 0)!] = value
        vectors.append(forged)
        let results = try await SuppressionFixtures.run(definition, vectors)
        #expect(results.leftOut == 1)
        #expect(SuppressionFixtures.cell(results, table: "bonus", row: 0, column: 0)?.suppressed == false)
        SuppressionFixtures.expectEqual(results, StudyComputation(definition: definition).reference(vectors: vectors))
    }

    @Test("seeded random studies: the parties reveal what the reference computes", arguments: [0, 1, 2, 3, 64, 65])
    func random(contributors: Int) async throws {
        let definition = Self.study(minimum: 3, dominance: 60)
        var generator = SplitMix64(seed: 1_000 + UInt64(contributors))
        let bonuses = (0..<contributors).map { _ in
            (generator.next() % 3 == 0 ? 0 : Int64(generator.next() % 1_000), Int64(generator.next() % 4 == 0 ? 50_000 : generator.next() % 100))
        }
        let sectors = (0..<contributors).map { _ in Int(generator.next() % 3) }
        let vectors = try Self.vectors(definition, bonuses, sectors: sectors)
        let results = try await SuppressionFixtures.run(definition, vectors)
        SuppressionFixtures.expectEqual(results, StudyComputation(definition: definition).reference(vectors: vectors))
        if contributors >= 64 { #expect(results.cells.contains { !$0.suppressed }) }
    }
}
