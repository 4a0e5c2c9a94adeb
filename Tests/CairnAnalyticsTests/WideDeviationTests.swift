import CairnArithmetic
import CairnMPC
import CairnStudy
import Foundation
import Testing
@testable import CairnAnalytics

/// The standard deviation at the extremes the definition allows: squares summed in exact limbs
/// where Z/2^64 would wrap (issue 11, part 1: $4B, $5B and $6B gave $0).
@Suite("Standard deviation exact at the definition's extremes")
struct WideDeviationTests {
    /// One money cell up to $100B (as in the pay-equity example) and one signed number cell
    /// from −10^12 to 10^12, no suppression, standard deviation wanted.
    static let definition = SuppressionFixtures.study(
        tables: [
            .init(id: "pay", title: "Pay", kind: .money, rows: .list(["All"]), columns: .list(["Total"]),
                  validation: .init(maximum: 100_000_000_000)),
            .init(id: "change", title: "Change", kind: .number, rows: .list(["All"]), columns: .list(["Total"]),
                  validation: .init(minimum: -1_000_000_000_000, maximum: 1_000_000_000_000)),
        ],
        statistics: .init(compute: [.count, .sum, .mean, .standardDeviation]))

    /// The population standard deviation, from exact 128-bit sums.
    static func deviation(_ values: [Int64]) -> Double {
        let n = Int128(values.count), sum = values.reduce(Int128(0)) { $0 + Int128($1) }
        let squares = values.reduce(Int128(0)) { $0 + Int128($1) * Int128($1) }
        return Double(n * squares - sum * sum).squareRoot() / Double(values.count)
    }

    static func vectors(pay: [Int64], change: [Int64]) throws -> [[UInt64]] {
        try zip(pay, change).map { try SuppressionFixtures.vector(definition, ["pay": [[$0]], "change": [[$1]]]) }
    }

    @Test("$4B, $5B and $6B: the deviation is $816,496,581, not $0")
    func billions() async throws {
        let pay: [Int64] = [4_000_000_000, 5_000_000_000, 6_000_000_000]
        let results = try await SuppressionFixtures.run(Self.definition, try Self.vectors(pay: pay, change: [0, 0, 0]))
        let cell = try #require(SuppressionFixtures.cell(results, table: "pay", row: 0, column: 0))
        let deviation = try #require(cell.standardDeviation)
        #expect(abs(deviation - 816_496_580.927726) < 0.01)
        #expect(abs(deviation - Self.deviation(pay)) < 1e-6)
        #expect(StudyComputation(definition: Self.definition).plan.needsWideSquares(StudyComputation(definition: Self.definition).plan.cells[0], contributors: 3))
        SuppressionFixtures.expectEqual(results, StudyComputation(definition: Self.definition).reference(vectors: try Self.vectors(pay: pay, change: [0, 0, 0])))
    }

    @Test("every value at the maximum, the minimum, or both, for 0, 1, 2 and 65 contributors", arguments: [0, 1, 2, 65])
    func extremes(contributors: Int) async throws {
        let top: Int64 = 100_000_000_000, bound: Int64 = 1_000_000_000_000
        var generator = SplitMix64(seed: UInt64(contributors))
        let pay = (0..<contributors).map { _ in generator.next() % 2 == 0 ? top : top - Int64(generator.next() % 3) }
        let change = (0..<contributors).map { r in r % 2 == 0 ? -bound : bound }
        let vectors = try Self.vectors(pay: pay, change: change)
        let results = try await SuppressionFixtures.run(Self.definition, vectors)
        let payCell = try #require(SuppressionFixtures.cell(results, table: "pay", row: 0, column: 0))
        let changeCell = try #require(SuppressionFixtures.cell(results, table: "change", row: 0, column: 0))
        #expect(payCell.contributors == contributors && changeCell.contributors == contributors)
        if contributors == 0 {
            #expect(payCell.standardDeviation == nil && changeCell.standardDeviation == nil)
        } else {
            #expect(abs(try #require(payCell.standardDeviation) - Self.deviation(pay)) <= 1e-6 * max(1, Self.deviation(pay)))
            #expect(abs(try #require(changeCell.standardDeviation) - Self.deviation(change)) <= 1e-6 * max(1, Self.deviation(change)))
            #expect(payCell.sum == pay.reduce(0, +) && changeCell.sum == change.reduce(0, +))
        }
        if contributors == 2 { #expect(changeCell.standardDeviation == Double(bound)) }
        SuppressionFixtures.expectEqual(results, StudyComputation(definition: Self.definition).reference(vectors: vectors))
    }

    @Test("small values stay on the one-multiplication path and agree with the reference")
    func narrow() async throws {
        let pay: [Int64] = [1, 2, 3, 40_000]
        let vectors = try Self.vectors(pay: pay, change: [-5, 5, 0, 7])
        let plan = StudyComputation(definition: Self.definition).plan
        // 4 contributions of at most $100B still could wrap: only a cell bounded by 2^31 would not.
        #expect(plan.needsWideSquares(plan.cells[0], contributors: 4))
        var small = Self.definition
        small.tables[0].validation = .init(maximum: 1_000_000)
        let smallPlan = StudyComputation(definition: small).plan
        #expect(!smallPlan.needsWideSquares(smallPlan.cells[0], contributors: 4))
        let results = try await SuppressionFixtures.run(small, vectors)
        #expect(abs(try #require(SuppressionFixtures.cell(results, table: "pay", row: 0, column: 0)?.standardDeviation) - Self.deviation(pay)) < 1e-6)
        SuppressionFixtures.expectEqual(results, StudyComputation(definition: small).reference(vectors: vectors))
    }
}
