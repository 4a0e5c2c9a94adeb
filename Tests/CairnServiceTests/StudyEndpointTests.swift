import CairnService
import CairnStore
import CairnStoreTesting
import CairnStudy
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Study service: studies, links, participation")
struct StudyEndpointTests {
    @Test("health, unknown addresses and methods answer JSON", arguments: StoreBackend.available)
    func healthAndErrors(backend: StoreBackend) async throws {
        try await Harness.run(backend) { service in
            let health = try await service.request(.get, "/api/v1/health")
            #expect(health.status == .ok)
            #expect(health.text == #"{"status":"ok"}"#)

            let unknown = try await service.request(.get, "/api/v1/nothing-here")
            #expect(unknown.status == .notFound)
            #expect(try unknown.error.contains("nothing at this address"))

            let method = try await service.request(.delete, "/api/v1/health")
            #expect(method.status == .methodNotAllowed)
            #expect(method[header: "Allow"] == "GET")
            #expect(try method.error == "DELETE is not allowed here; use GET")

            let study = try await service.request(.get, "/api/v1/studies/no-such-study")
            #expect(study.status == .notFound)
            #expect(try study.error == #"there is no study "no-such-study""#)
        }
    }

    @Test("creating a study: the credential once, then the public study", arguments: StoreBackend.available)
    func create(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(backend) { service in
            let answer = try await service.request(.post, "/api/v1/studies", bearer: Harness.operatorToken, body: study.json)
            #expect(answer.status == .created)
            let object = try answer.json
            #expect(object["study"] as? String == study.id)
            #expect(object["status"] as? String == "open")
            let credential = try #require(object["analystCredential"] as? String)
            #expect(credential.hasPrefix("cairn-analyst-"))
            #expect(credential.count == "cairn-analyst-".count + 43)

            let read = try await service.request(.get, "/api/v1/studies/\(study.id)")
            #expect(read.status == .ok)
            let public_ = try read.json
            #expect(public_["status"] as? String == "open")
            #expect(public_["closedAt"] is NSNull)
            #expect(public_["createdAt"] as? String == "2026-11-18T11:06:40.000Z")
            let definition = try JSONSerialization.data(withJSONObject: try #require(public_["definition"]))
            #expect(try StudyDefinition.load(from: definition) == study.definition)
            #expect(!read.text.contains(credential))

            let again = try await service.request(.post, "/api/v1/studies", bearer: Harness.operatorToken, body: study.json)
            #expect(again.status == .conflict)
            #expect(try again.error == "a study \"\(study.id)\" already exists")
        }
    }

    @Test("creating a study needs the operator token and a valid definition", arguments: StoreBackend.available)
    func createRefused(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(backend) { service in
            for bearer in [nil, "wrong-token", Harness.operatorToken + "x", String(Harness.operatorToken.dropLast())] {
                let answer = try await service.request(.post, "/api/v1/studies", bearer: bearer, body: study.json)
                #expect(answer.status == .unauthorized)
                #expect(try answer.error == "this request needs the service's operator token")
            }

            var invalid = try #require(try JSONSerialization.jsonObject(with: study.json) as? [String: Any])
            invalid["computeParties"] = Array((invalid["computeParties"] as? [Any] ?? []).prefix(1))
            invalid["tables"] = []
            let answer = try await service.request(
                .post, "/api/v1/studies", bearer: Harness.operatorToken,
                body: try JSONSerialization.data(withJSONObject: invalid))
            #expect(answer.status == .unprocessableContent)
            #expect(try answer.error.hasPrefix("the study definition is not valid"))
            let problems = try #require(try answer.json["problems"] as? [String])
            #expect(problems.count >= 2)
            #expect(problems.contains { $0.contains("computeParties") })

            let notJSON = try await service.request(
                .post, "/api/v1/studies", bearer: Harness.operatorToken, body: Data("{not json".utf8))
            #expect(notJSON.status == .unprocessableContent)
            #expect(try #require(try notJSON.json["problems"] as? [String]).first?.contains("not valid JSON") == true)

            let huge = try await service.request(
                .post, "/api/v1/studies", bearer: Harness.operatorToken, body: Data(repeating: 32, count: (1 << 20) + 1))
            #expect(huge.status == .contentTooLarge)
            #expect(try huge.error.contains("larger than"))

            // Nothing was created.
            #expect(try await service.request(.get, "/api/v1/studies/\(study.id)").status == .notFound)
        }
    }

    @Test("links: the analyst's tags are linked with their cohorts; the service sees no code and builds no link", arguments: StoreBackend.available)
    func links(backend: StoreBackend) async throws {
        let study = try TestStudy.make(regions: ["north", "south, east"])
        try await Harness.run(backend) { service in
            let credential = try await service.create(study)
            let codes = (0..<3).map { _ in ParticipationCode.generate() }
            let body = try JSONSerialization.data(withJSONObject: [
                "participants": codes.map { study.tag($0).hex }, "cohorts": ["region": "south, east"],
            ] as [String: Any])
            let answer = try await service.request(.post, "/api/v1/studies/\(study.id)/links", bearer: credential, body: body)
            #expect(answer.status == .created)
            #expect(answer.text == #"{"linked":3}"#)
            for code in codes {
                #expect(code.count == 24 && ParticipationCode.isWellFormed(code))
                // The link works: the contributor sees the cohort that came with it.
                let contribution = try await service.contribution(study, code: code)
                #expect(contribution.status == .ok)
                #expect(try contribution.json["cohorts"] as? [String: String] == ["region": "south, east"])
            }
            // The same tags again: refused, nothing linked twice.
            let again = try await service.request(.post, "/api/v1/studies/\(study.id)/links", bearer: credential, body: body)
            #expect(again.status == .conflict)
            #expect(try again.error.contains("already linked"))
            let participation = try await service.request(.get, "/api/v1/studies/\(study.id)/participation", bearer: credential)
            #expect(try participation.json["linked"] as? Int == 3)
        }
    }

    @Test("links: the request must give tags and exactly the link-assigned cohorts", arguments: StoreBackend.available)
    func linkCohortValidation(backend: StoreBackend) async throws {
        let study = try TestStudy.make(regions: ["north", "south"])
        try await Harness.run(backend) { service in
            let credential = try await service.create(study)
            let uri = "/api/v1/studies/\(study.id)/links"
            let tag = study.tag(ParticipationCode.generate()).hex
            let refused: [(body: String, status: HTTPResponse.Status, message: String)] = [
                (#"{"participants":["\#(tag)"]}"#, .unprocessableContent, #"cohort "region" is assigned by link: give one of its options ("north", "south")"#),
                (#"{"participants":["\#(tag)"],"cohorts":{"region":"west"}}"#, .unprocessableContent, #"cohort "region" has no option "west""#),
                (#"{"participants":["\#(tag)"],"cohorts":{"region":"north","sector":"Company"}}"#, .unprocessableContent,
                 #"cohort "sector" is chosen by each contributor, not assigned by link"#),
                (#"{"participants":["\#(tag)"],"cohorts":{"region":"north","size":"big"}}"#, .unprocessableContent, #"the study has no cohort "size""#),
                (#"{"participants":[],"cohorts":{"region":"north"}}"#, .unprocessableContent, "participants must list from 1 to 100000 tags, not 0"),
                (#"{"participants":["\#(tag)","\#(tag)"],"cohorts":{"region":"north"}}"#, .unprocessableContent, "participants lists a tag more than once"),
                (#"{"participants":["abc"],"cohorts":{"region":"north"}}"#, .badRequest, #"participants[0] is not a participant tag"#),
                (#"{"count":1,"cohorts":{"region":"north"}}"#, .badRequest, #"the field "participants" is missing"#),
                (#"{"participants":"\#(tag)"}"#, .badRequest, #"the field "participants" has the wrong type"#),
                ("count=3", .badRequest, "the body is not a links request"),
            ]
            for (body, status, message) in refused {
                let answer = try await service.request(.post, uri, bearer: credential, body: Data(body.utf8))
                #expect(answer.status == status, "\(body)")
                #expect(try answer.error.contains(message), "\(body): \(answer.text)")
            }
            let huge = try await service.request(
                .post, uri, bearer: credential, body: Data(repeating: 32, count: 64 * 1024 + 1))
            #expect(huge.status == .contentTooLarge)

            for bearer in [nil, "cairn-analyst-wrong", String(credential.dropLast()) + (credential.last == "A" ? "B" : "A")] {
                let answer = try await service.request(.post, uri, bearer: bearer, body: Data(#"{"participants":["\#(tag)"]}"#.utf8))
                #expect(answer.status == .unauthorized)
                #expect(try answer.error == "this request needs the study's analyst credential")
            }

            let participation = try await service.request(.get, "/api/v1/studies/\(study.id)/participation", bearer: credential)
            #expect(try participation.json["linked"] as? Int == 0)

            // Once closed, no more links.
            #expect(try await service.close(study, credential).status == .ok)
            let closed = try await service.request(
                .post, uri, bearer: credential, body: Data(#"{"participants":["\#(tag)"],"cohorts":{"region":"north"}}"#.utf8))
            #expect(closed.status == .conflict)
        }
    }

    @Test("participation counts, by link cohort and over time; closing", arguments: StoreBackend.available)
    func participation(backend: StoreBackend) async throws {
        let study = try TestStudy.make(regions: ["north", "south", "west"])
        try await Harness.run(backend) { service in
            let credential = try await service.create(study)
            let north = try await service.links(study, credential, count: 3, cohorts: ["region": "north"])
            let south = try await service.links(study, credential, count: 2, cohorts: ["region": "south"])
            for (number, code) in [north[0], north[1], south[0]].enumerated() {
                let answer = try await service.submit(
                    study, code: code, try study.envelope(code: code, submission: 1, values: study.values(number)))
                #expect(answer.status == .created)
            }
            service.clock.advance(3600)
            let resubmission = try await service.submit(
                study, code: north[0], try study.envelope(code: north[0], submission: 2, values: study.values(9)))
            #expect(resubmission.status == .created)

            let uri = "/api/v1/studies/\(study.id)/participation"
            let answer = try await service.request(.get, uri, bearer: credential)
            #expect(answer.status == .ok)
            let object = try answer.json
            #expect(object["status"] as? String == "open")
            #expect(object["linked"] as? Int == 5)
            #expect(object["submitted"] as? Int == 3)
            #expect(object["bucket"] as? String == "hour")
            #expect(object["byCohort"] as? [String: [String: Int]] == ["region": ["north": 2, "south": 1, "west": 0]])
            let overTime = try #require(object["overTime"] as? [[String: Any]])
            #expect(overTime.count == 2)
            #expect(overTime.first?["start"] as? String == "2026-11-18T11:00:00.000Z")
            #expect(overTime.first?["submissions"] as? Int == 3)
            #expect(overTime.first?["participants"] as? Int == 3)
            #expect(overTime.last?["start"] as? String == "2026-11-18T12:00:00.000Z")
            #expect(overTime.last?["submissions"] as? Int == 1)

            let daily = try await service.request(.get, uri + "?bucket=day", bearer: credential).json
            #expect(daily["bucket"] as? String == "day")
            let days = try #require(daily["overTime"] as? [[String: Any]])
            #expect(days.count == 1)
            #expect(days.first?["start"] as? String == "2026-11-18T00:00:00.000Z")
            #expect(days.first?["submissions"] as? Int == 4)
            #expect(days.first?["participants"] as? Int == 3)
            #expect(try await service.request(.get, uri + "?bucket=week", bearer: credential).status == .badRequest)
            #expect(try await service.request(.get, uri).status == .unauthorized)

            let closed = try await service.close(study, credential)
            #expect(closed.status == .ok)
            #expect(closed.text == #"{"status":"closed","submitted":3}"#)
            service.clock.advance(60)
            let again = try await service.close(study, credential)
            #expect(again.text == #"{"status":"closed","submitted":3}"#)
            let read = try await service.request(.get, "/api/v1/studies/\(study.id)").json
            #expect(read["status"] as? String == "closed")
            #expect(read["closedAt"] as? String == "2026-11-18T12:06:40.000Z")  // the second close changed nothing
            #expect(try await service.request(.get, uri, bearer: credential).json["status"] as? String == "closed")
        }
    }
}
