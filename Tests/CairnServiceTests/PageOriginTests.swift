import CairnStoreTesting
import CairnStudy
import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import CairnService

/// CORS for a contributor's page hosted elsewhere: only the origins the study names, only its
/// contributor routes, never `*`.
@Suite("The contributor's page from another origin")
struct PageOriginTests {
    static let allowed = "https://analyst.example.org"
    static let other = "https://elsewhere.example.net"

    /// The quick-start study naming `allowed` in `pageOrigins`.
    static func study() throws -> TestStudy {
        let base = try TestStudy.make()
        var object = try #require(try JSONSerialization.jsonObject(with: base.json) as? [String: Any])
        object["pageOrigins"] = [allowed]
        let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return TestStudy(id: base.id, keys: base.keys, json: json, definition: try StudyDefinition.load(from: json))
    }

    static func origin(_ origin: String, _ more: HTTPFields = [:]) -> HTTPFields {
        var fields = more
        fields[.origin] = origin
        return fields
    }

    @Test("a named origin may read the study and send a contribution; its answers carry that origin and Vary: Origin")
    func allowedOrigin() async throws {
        let study = try Self.study()
        try await Harness.run(.sqlite) { service in
            let (_, code) = try await service.createWithOneLink(study)
            let read = try await service.request(.get, "/api/v1/studies/\(study.id)", headers: Self.origin(Self.allowed))
            #expect(read.status == .ok)
            #expect(read[header: "Access-Control-Allow-Origin"] == Self.allowed)
            #expect(read[header: "Vary"] == "Origin")

            let envelope = try study.envelope(code: code, submission: 1, values: study.values(1))
            let sent = try await service.request(
                .put, "/api/v1/studies/\(study.id)/contribution", bearer: code, headers: Self.origin(Self.allowed),
                body: try envelope.json())
            #expect(sent.status == .created, "\(sent.text)")
            #expect(sent[header: "Access-Control-Allow-Origin"] == Self.allowed)

            // A refusal reaches the page too, so that it can say why.
            let refused = try await service.request(
                .get, "/api/v1/studies/\(study.id)/contribution", bearer: "not-a-code", headers: Self.origin(Self.allowed))
            #expect(refused.status == .unauthorized)
            #expect(refused[header: "Access-Control-Allow-Origin"] == Self.allowed)
            #expect(try refused.error.contains("not valid"))
        }
    }

    @Test("another origin, a study that names none, and the analyst's routes get no CORS header")
    func otherOrigins() async throws {
        let study = try Self.study()
        let plain = try TestStudy.make()
        try await Harness.run(.sqlite) { service in
            let credential = try await service.create(study)
            _ = try await service.create(plain)
            for (path, origin) in [
                ("/api/v1/studies/\(study.id)", Self.other),
                ("/api/v1/studies/\(study.id)", "null"),
                ("/api/v1/studies/\(plain.id)", Self.allowed),
                ("/api/v1/studies/no-such-study", Self.allowed),
            ] {
                let answer = try await service.request(.get, path, headers: Self.origin(origin))
                #expect(answer[header: "Access-Control-Allow-Origin"] == nil, "\(path) from \(origin)")
                #expect(answer[header: "Vary"] == "Origin", "\(path) from \(origin)")
            }
            for path in ["/api/v1/studies/\(study.id)/participation", "/api/v1/studies/\(study.id)/progress"] {
                let answer = try await service.request(.get, path, bearer: credential, headers: Self.origin(Self.allowed))
                #expect(answer.status == .ok)
                #expect(answer[header: "Access-Control-Allow-Origin"] == nil, "\(path)")
            }
            let asset = try await service.request(.get, "/assets/js/api.js", headers: Self.origin(Self.allowed))
            #expect(asset[header: "Access-Control-Allow-Origin"] == nil)
        }
    }

    @Test("preflight: allowed for the named origin and the route's methods only, never with *")
    func preflight() async throws {
        let study = try Self.study()
        try await Harness.run(.sqlite) { service in
            let credential = try await service.create(study)
            let contribution = "/api/v1/studies/\(study.id)/contribution"
            let put = Self.origin(
                Self.allowed, [.accessControlRequestMethod: "PUT", .accessControlRequestHeaders: "authorization, content-type"])
            let answer = try await service.request(.options, contribution, headers: put)
            #expect(answer.status == .noContent)
            #expect(answer[header: "Access-Control-Allow-Origin"] == Self.allowed)
            #expect(answer[header: "Access-Control-Allow-Methods"] == "GET, PUT")
            #expect(answer[header: "Access-Control-Allow-Headers"]?.contains("Authorization") == true)
            #expect(answer[header: "Vary"] == "Origin")

            for (path, origin, method) in [
                (contribution, Self.other, "PUT"),
                ("/api/v1/studies/\(study.id)", Self.allowed, "PUT"),
                ("/api/v1/studies/\(study.id)/links", Self.allowed, "POST"),
                ("/api/v1/studies/\(study.id)/close", Self.allowed, "POST"),
            ] {
                let refused = try await service.request(
                    .options, path, headers: Self.origin(origin, [.accessControlRequestMethod: method]))
                #expect(refused.status != .noContent && refused.status != .ok, "\(method) \(path) from \(origin)")
                #expect(refused[header: "Access-Control-Allow-Origin"] == nil, "\(method) \(path) from \(origin)")
            }
            // A preflight changes nothing: the study is still open and takes links.
            #expect(try await service.links(study, credential, count: 1).count == 1)
        }
    }

    @Test("the pages ask /service.json where the API is; the service answers: here")
    func serviceFile() async throws {
        try await Harness.run(.sqlite) { service in
            let answer = try await service.request(.get, "/service.json")
            #expect(answer.status == .ok)
            #expect(answer.text == "{}")
        }
    }
}
