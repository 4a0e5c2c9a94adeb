import CairnService
import CairnStore
import CairnStoreTesting
import CairnStudy
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Study service: the definition's exact bytes, refused when ambiguous")
struct DefinitionPinningTests {
    @Test("the definition is served byte for byte as created, so its digest can be checked", arguments: StoreBackend.available)
    func servedExactly(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        // A trailing newline and indentation: bytes a re-encoding would change.
        let uploaded = study.json + Data("\n".utf8)
        try await Harness.run(backend) { service in
            let created = try await service.request(.post, "/api/v1/studies", bearer: Harness.operatorToken, body: uploaded)
            #expect(created.status == .created, "\(created.text)")
            let raw = try await service.request(.get, "/api/v1/studies/\(study.id)/definition")
            #expect(raw.status == .ok)
            #expect(raw[header: "Content-Type"] == "application/json")
            #expect(raw.body == uploaded)
            #expect(DefinitionDigest(of: raw.body) == DefinitionDigest(of: uploaded))
            #expect(try await service.request(.get, "/api/v1/studies/no-such-study/definition").status == .notFound)
            #expect(try await service.request(.post, "/api/v1/studies/\(study.id)/definition").status == .methodNotAllowed)
        }
    }

    @Test("a definition with a repeated key, in UTF-16 or with data after it is refused with the reason", arguments: StoreBackend.available)
    func ambiguousRefused(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        let text = String(decoding: study.json, as: UTF8.self)
        let repeated = text.replacingOccurrences(of: "\"minimumCellSize\" : 3", with: "\"minimumCellSize\" : 10, \"minimumCellSize\" : 1")
        #expect(repeated != text)
        let cases: [(Data, String)] = [
            (Data(repeated.utf8), "\"minimumCellSize\" appears twice in \"statistics\""),
            (Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)!, "is UTF-16 (little-endian) text"),
            (study.json + Data(" {}".utf8), "has more after its JSON object ends"),
        ]
        try await Harness.run(backend) { service in
            for (body, message) in cases {
                let answer = try await service.request(.post, "/api/v1/studies", bearer: Harness.operatorToken, body: body)
                #expect(answer.status == .unprocessableContent)
                let problems = try #require(try answer.json["problems"] as? [String])
                #expect(problems.contains { $0.contains(message) }, "\(problems)")
                #expect(try await service.request(.get, "/api/v1/studies/\(study.id)").status == .notFound)
            }
        }
    }
}
