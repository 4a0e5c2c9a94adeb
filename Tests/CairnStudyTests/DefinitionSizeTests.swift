import Foundation
import Testing
@testable import CairnStudy

/// A small file whose `combine` lists stand for a huge number of labels is refused from the
/// sizes alone, before any label is built (issue 10: 2.3 KB took 15 s and 465 MB at 20 lists).
@Suite("Study definition: sizes before expansion")
struct DefinitionSizeTests {
    /// `lists` lists of `labelsPerList` labels combined as a table's rows (directly, or through a
    /// named label list), with two columns: 20 lists of 10 stand for 10^20 rows.
    static func pathological(lists: Int = 20, labelsPerList: Int = 10, named: Bool) throws -> Data {
        let combined = StudyDefinition.Labels.combine(
            Array(repeating: (0..<labelsPerList).map { "l\($0)" }, count: lists))
        let definition = StudyDefinition(
            id: "huge", title: "Huge", labelLists: named ? ["huge": combined] : nil,
            tables: [
                .init(id: "t", title: "T", kind: .count, rows: named ? .named("huge") : combined, columns: .list(["a", "b"]))
            ],
            statistics: .init(compute: [.sum, .count]), computeParties: Fixtures.threeParties, recipients: ["analyst"])
        return try definition.jsonData()
    }

    @Test("combined lists in a table or in a label list", arguments: [false, true])
    func refusedBeforeExpanding(named: Bool) throws {
        let data = try Self.pathological(named: named)
        let problems = try #require(throws: StudyProblems.self) { try StudyDefinition.load(from: data) }
        #expect(problems.problems.count == 1)
        #expect(problems.description.contains("a study may have at most 100000 cells"))
    }

    @Test("the count is the product of the list sizes, without building labels")
    func countsWithoutBuilding() throws {
        let small = try StudyDefinition.decode(from: try Self.pathological(lists: 3, labelsPerList: 10, named: false))
        #expect(small.labelCount(small.tables[0].rows) == 1000)
        #expect(small.cellCountWithoutExpanding == 2000)
        let huge = try StudyDefinition.decode(from: try Self.pathological(named: true))
        #expect(huge.labelCount(huge.tables[0].rows) == Int.max)
        #expect(huge.cellCountWithoutExpanding == Int.max)
    }

    @Test("a study under the limit is still accepted")
    func underTheLimit() throws {
        let definition = try StudyDefinition.load(from: try Self.pathological(lists: 4, labelsPerList: 10, named: false))
        #expect(definition.cellCountWithoutExpanding == 20_000)
        #expect(definition.rowLabels(of: definition.tables[0]).count == 10_000)
    }
}
