import CairnArithmetic
import CairnMPC
import CairnStudy
import Foundation
import Testing
@testable import CairnAnalytics

/// Shared by the wide-deviation, suppression, dominance and margin suites: small studies built on
/// the quick-start definition, run by three in-process parties.
enum SuppressionFixtures {
    /// The quick-start study (its parties, its "sector" cohort) with these tables and statistics.
    static func study(
        tables: [StudyDefinition.Table], statistics: StudyDefinition.Statistics,
        margins: [StudyDefinition.Margin]? = nil, labelLists: [String: StudyDefinition.Labels]? = nil
    ) -> StudyDefinition {
        var definition = StudyComputationTests.quickstart
        definition.tables = tables
        definition.rules = nil
        definition.statistics = statistics
        definition.margins = margins
        definition.labelLists = labelLists
        return definition
    }

    /// A contributor's vector from whole numbers (`nil` = empty) per table, and a sector.
    static func vector(_ definition: StudyDefinition, _ tables: [String: [[Int64?]]], sector: Int = 0) throws -> [UInt64] {
        let sectors = definition.allCohorts[0].options
        let filled = FilledTables(
            tables: tables.mapValues { $0.map { $0.map { $0.map(String.init) } } }, cohorts: ["sector": sectors[sector]])
        return try definition.cellVector(for: filled)
    }

    /// The results the three parties reveal to party 1 for these vectors (additive shares, as
    /// they arrive through the service).
    static func run(_ definition: StudyDefinition, _ vectors: [[UInt64]], seed: UInt64 = 7) async throws -> StudyResults {
        let flat = vectors.flatMap { $0 }
        var generator = SplitMix64(seed: seed)
        let s0 = flat.map { _ in generator.next() }, s1 = flat.map { _ in generator.next() }
        let shares = [s0, s1, (0..<flat.count).map { flat[$0] &- s0[$0] &- s1[$0] }]
        let outcomes = try await InProcessCluster.run { party in
            let contributions = try await party.fromAdditiveShares(shares[party.index.rawValue])
            return try await StudyComputation(definition: definition).run(on: party, contributions: contributions, recipient: .one)
        }
        return try #require(outcomes[1])
    }

    /// Every cell equal: the same suppression and counts, sums exactly, derived figures to 1e-9.
    static func expectEqual(_ got: StudyResults, _ expected: StudyResults, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.cells.count == expected.cells.count, sourceLocation: sourceLocation)
        #expect(got.leftOut == expected.leftOut, sourceLocation: sourceLocation)
        for (a, b) in zip(got.cells, expected.cells) {
            let key = "\(a.margin ?? "")/\(a.table)/\(a.row)/\(a.column)/\(a.cohort ?? "all")"
            #expect(a.table == b.table && a.row == b.row && a.column == b.column && a.margin == b.margin && a.cohort == b.cohort)
            #expect(a.suppressed == b.suppressed, "\(key)", sourceLocation: sourceLocation)
            #expect(a.contributors == b.contributors && a.nonzeroContributors == b.nonzeroContributors, "\(key)", sourceLocation: sourceLocation)
            #expect(a.sum == b.sum, "\(key)", sourceLocation: sourceLocation)
            for (x, y) in [(a.mean, b.mean), (a.meanPerEmployee, b.meanPerEmployee), (a.standardDeviation, b.standardDeviation)] {
                #expect((x == nil) == (y == nil), "\(key)", sourceLocation: sourceLocation)
                if let x, let y { #expect(abs(x - y) <= 1e-9 * max(1, abs(y)), "\(key): \(x) vs \(y)", sourceLocation: sourceLocation) }
            }
        }
    }

    /// The results' cell for a table (or margin) cell over all contributors.
    static func cell(_ results: StudyResults, table: String, row: Int, column: Int, margin: String? = nil, cohort: String? = nil) -> StudyResults.Cell? {
        results.cells.first { $0.table == table && $0.row == row && $0.column == column && $0.margin == margin && $0.cohort == cohort }
    }
}
