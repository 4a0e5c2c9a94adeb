import CairnArithmetic
import CairnMPC
import CairnStudy
import Foundation
import Testing
@testable import CairnAnalytics

@Suite("Study statistics computed by two parties")
struct TwoPartyStudyComputationTests {
    /// The quick-start study for two parties: sums only, the sector assigned by link.
    static let study: StudyDefinition = {
        var definition = StudyComputationTests.quickstart
        definition.computeParties.removeLast()
        definition.statistics = .init(compute: [.count, .sum, .mean, .meanPerEmployee])
        definition.cohorts![0].assignedBy = .link
        return definition
    }()

    @Test("the definition is valid for two parties, and a third-party statistic is refused")
    func validation() throws {
        _ = try StudyDefinition.load(from: try Self.study.jsonData())
        var asking = Self.study
        asking.statistics.minimumCellSize = 3
        #expect(throws: (any Error).self) { try StudyDefinition.load(from: try asking.jsonData()) }
    }

    @Test("counts, sums, means per cell and link cohort equal the cleartext", arguments: [0, 1, 7, 60])
    func sums(contributorCount: Int) async throws {
        let definition = Self.study
        let contributors = StudyComputationTests.contributors(contributorCount, seed: UInt64(contributorCount) + 3)
        let vectors = try contributors.map { try definition.cellVector(for: $0) }
        let options = definition.allCohorts[0].options
        let groups = contributors.map { [options.firstIndex(of: $0.cohorts["sector"]!)!] }
        // Two additive shares of every vector: a random one, and the rest.
        var generator = SystemRandomNumberGenerator()
        let first = vectors.flatMap { $0.map { _ in generator.next() as UInt64 } }
        let flat = vectors.flatMap { $0 }
        let second = zip(flat, first).map { $0 &- $1 }
        #expect(contributorCount == 0 || first != flat)

        let network = InProcessNetwork()
        let computation = TwoPartyStudyComputation(definition: definition)
        async let atProvider = computation.run(
            over: network.transport(for: .zero), shares: first, groups: groups, recipient: .one)
        async let atAnalyst = computation.run(
            over: network.transport(for: .one), shares: second, groups: groups, recipient: .one)
        let (provider, analyst) = try await (atProvider, atAnalyst)
        #expect(provider == nil)
        let expected = StudyComputation(definition: definition).reference(vectors: vectors)
        #expect(analyst == expected)
        // And independently of the reference: the sum of one cell over all contributors.
        let total = contributors.compactMap { $0.tables["salaries"]![1][0].flatMap { Int64($0) } }.reduce(0, +)
        let cell = analyst?.cells.first { $0.table == "salaries" && $0.row == 1 && $0.column == 0 && $0.cohort == nil }
        #expect(cell?.sum == total)
        #expect(analyst?.cells.allSatisfy { !$0.suppressed && $0.standardDeviation == nil } == true)
    }

    @Test("shares that are not whole vectors are refused")
    func wrongLength() async throws {
        let network = InProcessNetwork()
        await #expect(throws: MPCError.self) {
            try await TwoPartyStudyComputation(definition: Self.study).run(
                over: network.transport(for: .one), shares: [1, 2, 3], groups: [[0]], recipient: .one)
        }
    }
}
