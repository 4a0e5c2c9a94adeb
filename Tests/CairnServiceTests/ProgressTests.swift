import CairnService
import CairnStoreTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The computation's progress: each party reports its stage with its session token, and the
/// analyst reads every party's latest stage. No results ever pass through here.
@Suite("Study service: computation progress")
struct ProgressTests {
    func report(_ service: Harness, _ study: TestStudy, party: Int, token: String?, _ body: String) async throws -> Answer {
        try await service.request(
            .post, "/api/v1/studies/\(study.id)/parties/\(party)/progress", bearer: token, body: Data(body.utf8))
    }

    func progress(_ service: Harness, _ study: TestStudy, _ credential: String?) async throws -> Answer {
        try await service.request(.get, "/api/v1/studies/\(study.id)/progress", bearer: credential)
    }

    @Test("reports are read back per party, waiting until a party reports", arguments: StoreBackend.available)
    func reportAndReadBack(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(backend) { service in
            let credential = try await service.create(study)
            let before = try await progress(service, study, credential)
            #expect(before.status == .ok, "\(before.text)")
            let open = try before.json
            #expect(open["status"] as? String == "open")
            let waiting = try #require(open["parties"] as? [[String: Any]])
            #expect(waiting.map { $0["party"] as? Int } == [1, 2, 3])
            #expect(waiting.map { $0["name"] as? String } == study.definition.computeParties.map(\.name))
            #expect(waiting.allSatisfy { $0["stage"] as? String == "waiting" && $0["updatedAt"] is NSNull && $0["done"] is NSNull })

            #expect(try await service.close(study, credential).status == .ok)
            let first = try await service.session(study, party: 1)
            let third = try await service.session(study, party: 3)
            let fetching = try await report(service, study, party: 1, token: first, #"{"stage":"fetching","done":10}"#)
            #expect(fetching.status == .noContent, "\(fetching.text)")
            #expect(fetching.body.isEmpty)
            service.clock.advance(2)
            #expect(try await report(service, study, party: 1, token: first, #"{"stage":"decrypting","done":4,"total":10}"#).status == .noContent)
            #expect(try await report(service, study, party: 3, token: third, #"{"stage":"finished"}"#).status == .noContent)

            let after = try await progress(service, study, credential)
            #expect(after.status == .ok)
            let closed = try after.json
            #expect(closed["status"] as? String == "closed")
            let parties = try #require(closed["parties"] as? [[String: Any]])
            #expect(parties.map { $0["stage"] as? String } == ["decrypting", "waiting", "finished"])
            #expect(parties[0]["done"] as? Int == 4 && parties[0]["total"] as? Int == 10)
            #expect(parties[0]["updatedAt"] as? String == "2026-11-18T11:06:42.000Z")
            #expect(parties[2]["done"] is NSNull && parties[2]["total"] is NSNull)
            #expect(parties[1]["updatedAt"] is NSNull)
            // The session tokens and the credential never reach the log.
            #expect(!service.logs.all.contains { $0.contains(first) || $0.contains(third) || $0.contains(credential) })
        }
    }

    @Test("a report needs a live session token of that very party", arguments: StoreBackend.available)
    func sessions(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(backend) { service in
            let credential = try await service.create(study)
            #expect(try await service.close(study, credential).status == .ok)
            let token = try await service.session(study, party: 2)
            let body = #"{"stage":"fetching"}"#
            for (party, bearer) in [(2, nil), (2, "not-a-token"), (2, String(repeating: "A", count: 43)), (1, token), (3, token), (2, credential)] {
                let answer = try await report(service, study, party: party, token: bearer, body)
                #expect(answer.status == .unauthorized, "party \(party)")
                #expect(try answer.error.contains("session token of party \(party)"))
            }
            #expect(try await report(service, study, party: 2, token: token, body).status == .noContent)
            #expect(try await report(service, study, party: 4, token: token, body).status == .notFound)
            service.clock.advance(2 * 3600)
            #expect(try await report(service, study, party: 2, token: token, body).status == .unauthorized)
        }
    }

    @Test("a body that is not exactly a progress report gets 400", arguments: StoreBackend.available)
    func badBodies(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(backend) { service in
            let credential = try await service.create(study)
            #expect(try await service.close(study, credential).status == .ok)
            let token = try await service.session(study, party: 1)
            for (body, says) in [
                ("", "not JSON"), ("[]", "not a JSON object"), (#"{"done":1}"#, "\"stage\" is missing"),
                (#"{"stage":"waiting"}"#, "stage must be one of"), (#"{"stage":"done"}"#, "stage must be one of"),
                (#"{"stage":3}"#, "wrong type"), (#"{"stage":"fetching","done":-1}"#, "done must be a whole number"),
                (#"{"stage":"fetching","done":"1"}"#, "wrong type"), (#"{"stage":"fetching","done":1.5}"#, "done must be a whole number"),
                (#"{"stage":"fetching","total":1e10}"#, "total must be a whole number"),
                (#"{"stage":"fetching","total":true}"#, "wrong type"),
                (#"{"stage":"decrypting","done":5,"total":4}"#, "must not be larger than total"),
                (#"{"stage":"failed","message":"the key is wrong"}"#, "unknown field \"message\""),
            ] {
                let answer = try await report(service, study, party: 1, token: token, body)
                #expect(answer.status == .badRequest, "\(body)")
                let message = try answer.error
                #expect(message.contains(says), "\(body): \(message)")
            }
            let large = try await report(
                service, study, party: 1, token: token, #"{"stage":"fetching","x":""# + String(repeating: "a", count: 2000) + "\"}")
            #expect(large.status == .contentTooLarge)
            // Nothing refused was recorded.
            let parties = try #require(try await progress(service, study, credential).json["parties"] as? [[String: Any]])
            #expect(parties[0]["stage"] as? String == "waiting")
        }
    }

    @Test("an open study takes no progress reports", arguments: StoreBackend.available)
    func openStudy(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(backend) { service in
            _ = try await service.create(study)
            let token = try await service.session(study, party: 1)
            let answer = try await report(service, study, party: 1, token: token, #"{"stage":"fetching"}"#)
            #expect(answer.status == .conflict)
            #expect(try answer.error.contains("still open"))
        }
    }

    @Test("only the study's analyst reads the progress", arguments: StoreBackend.available)
    func analystOnly(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        let other = try TestStudy.make()
        try await Harness.run(backend) { service in
            _ = try await service.create(study)
            let otherCredential = try await service.create(other)
            let token = try await service.session(study, party: 1)
            for bearer in [nil, Harness.operatorToken, otherCredential, token] {
                let answer = try await progress(service, study, bearer)
                #expect(answer.status == .unauthorized)
                #expect(try answer.error == "this request needs the study's analyst credential")
            }
            #expect(try await service.request(.get, "/api/v1/studies/no-such-study/progress").status == .notFound)
            #expect(try await service.request(.post, "/api/v1/studies/\(study.id)/progress").status == .methodNotAllowed)
            #expect(try await service.request(.get, "/api/v1/studies/\(study.id)/parties/1/progress").status == .methodNotAllowed)
        }
    }
}
