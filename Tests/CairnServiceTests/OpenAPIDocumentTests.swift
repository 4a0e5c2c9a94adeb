import CairnStoreTesting
import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import CairnService

/// `docs/openapi.yaml` describes exactly the routes the service answers under `/api/v1`, and the
/// service serves that very file.
@Suite("The OpenAPI document")
struct OpenAPIDocumentTests {
    static let document = TestStudy.packageRoot.appendingPathComponent("docs/openapi.yaml")

    /// `METHOD /path/{parameter}` for every operation of the document. It relies on the layout
    /// the document's header states: paths at two spaces under `paths:`, methods at four.
    static func documentedOperations(_ yaml: String) -> Set<String> {
        var operations: Set<String> = []
        var inPaths = false
        var path: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.hasPrefix("#") && !line.isEmpty {
                inPaths = line == "paths:"
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path {
                let key = line.dropFirst(4).prefix { $0 != ":" }
                if ["get", "put", "post", "delete", "patch", "head", "options", "trace"].contains(key) {
                    operations.insert("\(key.uppercased()) \(path)")
                }
            }
        }
        return operations
    }

    /// `METHOD /path/{parameter}` for every route of the service under `/api/v1`.
    static func routedOperations() async throws -> Set<String> {
        try await StoreBackend.sqlite.withStore { store in
            let service = StudyService(store: store, configuration: ServiceConfiguration(operatorToken: "unused"))
            var operations: Set<String> = []
            for (path, handlers) in service.endpoints() where path.hasPrefix("/api/v1/") {
                let templated = path.split(separator: "/", omittingEmptySubsequences: false)
                    .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
                for method in handlers.keys { operations.insert("\(method.rawValue) \(templated)") }
            }
            return operations
        }
    }

    @Test("every route under /api/v1 is in the document, and the document lists no other")
    func routesMatch() async throws {
        let documented = Self.documentedOperations(try String(contentsOf: Self.document, encoding: .utf8))
        let routed = try await Self.routedOperations()
        #expect(routed.count >= 13)
        #expect(routed.subtracting(documented).isEmpty, "routes missing from docs/openapi.yaml: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed).sorted())")
    }

    @Test("the reading of the document finds a path added to it, so the check above can fail")
    func parserSeesAdditions() throws {
        let yaml = try String(contentsOf: Self.document, encoding: .utf8)
            .replacingOccurrences(of: "paths:\n", with: "paths:\n  /api/v1/extra/{thing}:\n    parameters: []\n    delete:\n      responses: {}\n")
        #expect(Self.documentedOperations(yaml).contains("DELETE /api/v1/extra/{thing}"))
        #expect(!Self.documentedOperations(yaml).contains("PARAMETERS /api/v1/extra/{thing}"))
    }

    @Test("the service serves docs/openapi.yaml byte for byte at /api/v1/openapi.yaml")
    func served() async throws {
        let expected = try Data(contentsOf: Self.document)
        let copy = try Data(contentsOf: try WebAssets.locate().root.appendingPathComponent("openapi.yaml"))
        #expect(
            copy == expected,
            "Sources/CairnService/Web/openapi.yaml differs from docs/openapi.yaml: cp docs/openapi.yaml Sources/CairnService/Web/openapi.yaml")
        try await Harness.run(.sqlite) { service in
            let answer = try await service.request(.get, "/api/v1/openapi.yaml")
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "application/yaml")
            #expect(answer.body == expected)
        }
    }
}
