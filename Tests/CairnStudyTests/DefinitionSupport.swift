import Foundation
@testable import CairnStudy

enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func examplePath(_ name: String) -> String {
        packageRoot.appendingPathComponent("examples").appendingPathComponent(name).path
    }

    static func quickstart() throws -> StudyDefinition { try StudyDefinition.load(from: examplePath("quickstart.json")) }
    static func payEquity() throws -> StudyDefinition { try StudyDefinition.load(from: examplePath("pay-equity.json")) }

    static let keys = [
        "BJVpvOfWii10PPMJ1O2AOhyw2p1/uz6Vh/TxiPwTQGDH2FVFsY8HhfbfXIllLjmQMwKAi9SFC/EQZ7zVKbkzhbE=",
        "BFOJymiBoZXGyIP6GPV67vHmLb3NwPb0O+47mgRCiJYgQTW4MU2kHMG9hg6pXIi7A9H4U1m2Rlg6rdk19l30Oo8=",
        "BO82Ed6++2VrfC7aCK8CxtXg4TlZcuYvOwHxq+O/jrdLF49he5/5+HrVBuomPJX8elPf4q7MSnDvNLZ7kW8AdB8=",
    ]

    static let threeParties: [StudyDefinition.ComputeParty] = [
        .init(id: "provider", name: "Provider", role: .serviceProvider, address: "127.0.0.1:7101", submissionKey: keys[0]),
        .init(id: "analyst", name: "Analyst", role: .analyst, address: "127.0.0.1:7102", submissionKey: keys[1]),
        .init(id: "independent", name: "University", role: .independent, address: "127.0.0.1:7103", submissionKey: keys[2]),
    ]

    /// Two tables (a 2×2 count table and a 1×3 number table with one decimal place and
    /// negatives allowed) and two cohorts, for hand-computed layouts.
    static func small() -> StudyDefinition {
        StudyDefinition(
            id: "small", title: "Small",
            tables: [
                .init(id: "people", title: "People", kind: .count, rows: .list(["a", "b"]), columns: .list(["x", "y"])),
                .init(
                    id: "change", title: "Change", kind: .number, rows: .list(["only"]), columns: .list(["p", "q", "r"]),
                    validation: .init(minimum: -100, maximum: 100, decimalPlaces: 1)),
            ],
            cohorts: [
                .init(id: "size", question: "How big?", options: ["A", "B", "C"]),
                .init(id: "union", question: "Unionised?", options: ["yes", "no"]),
            ],
            statistics: .init(compute: [.sum, .count]),
            computeParties: threeParties, recipients: ["analyst"])
    }
}

extension [StudyDefinitionProblem] {
    var descriptions: [String] { map(\.description) }
    func mentions(_ text: String) -> Bool { contains { $0.description.contains(text) } }
}
