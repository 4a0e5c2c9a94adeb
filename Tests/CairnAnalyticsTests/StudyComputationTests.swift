import CairnArithmetic
import CairnMPC
import CairnStudy
import Foundation
import Testing
@testable import CairnAnalytics

@Suite("Study statistics computed by three parties")
struct StudyComputationTests {
    static let quickstart: StudyDefinition = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/quickstart.json").path
        var definition = try! StudyDefinition.load(from: path)
        definition.statistics.compute.append(.standardDeviation)
        return definition
    }()

    /// Random contributors for the quick-start study: headcounts mostly 0, else 1…6,
    /// salaries for filled cells, some zero-headcount salary cells left empty (the study's
    /// zero-together rule allows no other empty salary), a random sector.
    static func contributors(_ count: Int, seed: UInt64) -> [FilledTables] {
        var generator = SplitMix64(seed: seed)
        let sectors = quickstart.allCohorts[0].options
        return (0..<count).map { _ in
            var employees: [[String?]] = [], salaries: [[String?]] = []
            for _ in 0..<2 {
                var employeeRow: [String?] = [], salaryRow: [String?] = []
                for _ in 0..<2 {
                    // Mostly zero, so that cells with enough contributors but a small summed
                    // headcount occur: that is the second suppression rule.
                    let headcount = generator.next() % 5 < 3 ? 0 : Int(1 + generator.next() % 6)
                    employeeRow.append(String(headcount))
                    let empty = headcount == 0 && generator.next() % 2 == 0
                    salaryRow.append(empty ? nil : String(headcount * Int(40_000 + generator.next() % 80_000)))
                }
                employees.append(employeeRow)
                salaries.append(salaryRow)
            }
            let sector = sectors[Int(generator.next() % UInt64(sectors.count))]
            return FilledTables(tables: ["employees": employees, "salaries": salaries], cohorts: ["sector": sector])
        }
    }

    /// The statistics computed in the clear, straight from the filled tables.
    static func reference(_ contributors: [FilledTables]) -> [StudyResults.Cell] {
        let definition = quickstart
        let options = definition.allCohorts[0].options
        var cells: [StudyResults.Cell] = []
        for table in definition.tables {
            for row in 0..<2 {
                for column in 0..<2 {
                    for group in 0...options.count {
                        let members = contributors.filter { group == options.count || $0.cohorts["sector"] == options[group] }
                        let values = members.compactMap { $0.tables[table.id]![row][column].flatMap { Int64($0) } }
                        let headcount = members.compactMap { $0.tables["employees"]![row][column].flatMap { Int64($0) } }.reduce(0, +)
                        let count = Int64(values.count), sum = values.reduce(0, +)
                        let hasHeadcount = table.headcountTable != nil
                        // Money counts its non-zero contributors towards the minimum.
                        let nonzero = values.filter { $0 != 0 }.count
                        let support = table.kind.isMagnitude ? Int64(nonzero) : count
                        let suppressed = support < 3 || (hasHeadcount && headcount < 3)
                        var cell = StudyResults.Cell(
                            table: table.id, row: row, column: column,
                            cohort: group < options.count ? "sector: \(options[group])" : nil, suppressed: suppressed)
                        if !suppressed {
                            let mean = Double(sum) / Double(count)
                            let squares = values.map { Double($0) * Double($0) }.reduce(0, +)
                            cell.contributors = Int(count)
                            cell.nonzeroContributors = table.kind.isMagnitude ? nonzero : nil
                            cell.sum = sum
                            cell.mean = mean
                            cell.meanPerEmployee = hasHeadcount && headcount > 0 ? Double(sum) / Double(headcount) : nil
                            cell.standardDeviation = max(0, squares / Double(count) - mean * mean).squareRoot()
                        }
                        cells.append(cell)
                    }
                }
            }
        }
        return cells
    }

    @Test("statistics per cell and cohort equal the cleartext; small cells are suppressed", arguments: [0, 1, 4, 40])
    func quickstartStatistics(contributorCount: Int) async throws {
        let definition = Self.quickstart
        let contributors = Self.contributors(contributorCount, seed: UInt64(contributorCount))
        let vectors = try contributors.flatMap { try definition.cellVector(for: $0) }
        // Each contributor's additive shares, as they would arrive through the service.
        var generator = SplitMix64(seed: 99)
        let s0 = vectors.map { _ in generator.next() }, s1 = vectors.map { _ in generator.next() }
        let shares = [s0, s1, (0..<vectors.count).map { vectors[$0] &- s0[$0] &- s1[$0] }]
        let outcomes = try await InProcessCluster.run { party in
            let contributions = try await party.fromAdditiveShares(shares[party.index.rawValue])
            return try await StudyComputation(definition: definition).run(on: party, contributions: contributions, recipient: .one)
        }
        #expect(outcomes[0] == nil && outcomes[2] == nil)
        let results = try #require(outcomes[1])
        let expected = Self.reference(contributors)
        #expect(results.cells.count == expected.count)
        // Order: by layout cell, then cohort option, then all.
        let byKey = Dictionary(uniqueKeysWithValues: results.cells.map { ("\($0.table)/\($0.row)/\($0.column)/\($0.cohort ?? "all")", $0) })
        for cell in expected {
            let key = "\(cell.table)/\(cell.row)/\(cell.column)/\(cell.cohort ?? "all")"
            let got = try #require(byKey[key], "missing \(key)")
            #expect(got.suppressed == cell.suppressed, "\(key)")
            #expect(got.contributors == cell.contributors && got.sum == cell.sum, "\(key)")
            #expect(got.nonzeroContributors == cell.nonzeroContributors, "\(key)")
            for (a, b) in [(got.mean, cell.mean), (got.meanPerEmployee, cell.meanPerEmployee), (got.standardDeviation, cell.standardDeviation)] {
                #expect((a == nil) == (b == nil), "\(key)")
                if let a, let b { #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(key): \(a) vs \(b)") }
            }
        }
        if contributorCount >= 40 { #expect(results.cells.contains { !$0.suppressed }) }
        if contributorCount < 3 { #expect(results.cells.allSatisfy { $0.suppressed }) }
    }

    @Test("a vector that is not whole cell vectors is refused")
    func wrongLength() async throws {
        let definition = Self.quickstart
        await #expect(throws: MPCError.self) {
            _ = try await InProcessCluster.run { party in
                try await StudyComputation(definition: definition).run(
                    on: party, contributions: .zeros(count: 5, party: party.index), recipient: .zero)
            }
        }
    }
}
