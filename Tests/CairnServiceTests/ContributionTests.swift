@testable import CairnService
import CairnStore
import CairnStoreTesting
import CairnStudy
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Study service: contributions")
struct ContributionTests {
    @Test("submit, resubmit, retries counted once, stale submissions refused", arguments: StoreBackend.available)
    func submitAndResubmit(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(backend) { service in
            let (credential, code) = try await service.createWithOneLink(study)

            let before = try await service.contribution(study, code: code)
            #expect(before.status == .ok)
            #expect(
                before.text
                    == #"{"cohorts":{},"latestSubmission":null,"receivedAt":null,"status":"open","study":"\#(study.id)"}"#)

            let first = try study.envelope(code: code, submission: 1, values: study.values(1))
            let stored = try await service.submit(study, code: code, first, idempotencyKey: "first-try")
            #expect(stored.status == .created)
            #expect(stored.text == #"{"receivedAt":"2026-11-18T11:06:40.000Z","retry":false,"submission":1}"#)

            // The same request again (a retry after a lost answer): acknowledged, nothing counted.
            service.clock.advance(5)
            let retry = try await service.submit(study, code: code, first, idempotencyKey: "first-try")
            #expect(retry.status == .ok)
            #expect(retry.text == #"{"receivedAt":"2026-11-18T11:06:40.000Z","retry":true,"submission":1}"#)

            let second = try study.envelope(code: code, submission: 2, values: study.values(2))
            #expect(try await service.submit(study, code: code, second).status == .created)
            // Without Idempotency-Key, the same bytes are the same request.
            let resent = try await service.submit(study, code: code, second)
            #expect(resent.status == .ok)
            #expect(try resent.json["retry"] as? Bool == true)

            // An older submission arriving late, or a replay of submission 1 under a new key.
            let older = try study.envelope(code: code, submission: 1, values: study.values(3))
            for key in [nil, "another-key"] {
                let stale = try await service.submit(study, code: code, older, idempotencyKey: key)
                #expect(stale.status == .conflict)
                #expect(
                    try stale.error
                        == "submission 1 is not newer than the one already received (2): resubmissions must carry a larger number")
            }
            // A key already used for submission 1 cannot carry submission 3.
            let third = try study.envelope(code: code, submission: 3, values: study.values(4))
            let reused = try await service.submit(study, code: code, third, idempotencyKey: "first-try")
            #expect(reused.status == .conflict)
            #expect(try reused.error.contains("already used for submission 1"))

            let after = try await service.contribution(study, code: code).json
            #expect(after["latestSubmission"] as? Int == 2)
            #expect(after["receivedAt"] as? String == "2026-11-18T11:06:45.000Z")

            let participation = try await service.request(.get, "/api/v1/studies/\(study.id)/participation", bearer: credential)
            let overTime = try #require(try participation.json["overTime"] as? [[String: Any]])
            #expect(overTime.map { $0["submissions"] as? Int } == [2])
            #expect(try participation.json["submitted"] as? Int == 1)

            // The stored envelope is still submission 2's.
            #expect(try await service.close(study, credential).status == .ok)
            let token = try await service.session(study, party: 3)
            let shares = try await service.shares(study, party: 3, token: token)
            let record = try #require(try PartyShareRecord.read(shares.body, party: 2).first)
            #expect(record.submission == 2)
            #expect(record.share == second.shares[2])

            // Closed: no more submissions; a retry of an accepted one is still acknowledged.
            let late = try await service.submit(study, code: code, third)
            #expect(late.status == .conflict)
            #expect(try late.error == "study \"\(study.id)\" is closed and accepts no more submissions")
            #expect(try await service.submit(study, code: code, second).status == .ok)
        }
    }

    @Test("envelopes that are not envelopes, do not fit the study, or are too large", arguments: StoreBackend.available)
    func badEnvelopes(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(backend) { service in
            let (_, code) = try await service.createWithOneLink(study)
            let envelope = try study.envelope(code: code, submission: 1, values: study.values(1))
            var object = try #require(try JSONSerialization.jsonObject(with: envelope.json()) as? [String: Any])

            object["shares"] = nil
            let missing = try await service.submit(study, code: code, body: try JSONSerialization.data(withJSONObject: object))
            #expect(missing.status == .badRequest)
            #expect(try missing.error.contains(#"the field "shares" is missing"#))

            let notJSON = try await service.submit(study, code: code, body: Data("shares=1".utf8))
            #expect(notJSON.status == .badRequest)
            #expect(try notJSON.error.hasPrefix("the submission envelope is not valid"))

            var short = envelope
            short.shares.removeLast()
            let wrongCount = try await service.submit(study, code: code, short)
            #expect(wrongCount.status == .unprocessableContent)
            #expect(try wrongCount.error.contains("it holds 2 shares; this study has 3 compute parties"))

            var truncated = envelope
            truncated.shares[2].ciphertext.removeLast()
            let wrongSize = try await service.submit(study, code: code, truncated)
            #expect(wrongSize.status == .unprocessableContent)
            #expect(try wrongSize.error.contains("the ciphertext for party 3 is"))

            let other = try TestStudy.make()
            let elsewhere = try other.envelope(code: code, submission: 1, values: other.values(1))
            let wrongStudy = try await service.submit(study, code: code, elsewhere)
            #expect(wrongStudy.status == .unprocessableContent)
            #expect(try wrongStudy.error.contains("it names study"))

            // A well-formed envelope plus 4 KiB passes the size check; more does not.
            let padded = envelope.json() + Data(repeating: 32, count: 4096)
            #expect(try await service.submit(study, code: code, body: padded).status == .created)
            let huge = envelope.json() + Data(repeating: 32, count: 4096 + 64)
            let tooLarge = try await service.submit(study, code: code, body: huge)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(try tooLarge.error.contains("larger than"))

            let emptyKey = try await service.submit(
                study, code: code, try study.envelope(code: code, submission: 2, values: study.values(2)),
                idempotencyKey: String(repeating: "k", count: 201))
            #expect(emptyKey.status == .badRequest)

            // Nothing of this counted.
            #expect(try await service.contribution(study, code: code).json["latestSubmission"] as? Int == 1)
        }
    }

    @Test("a missing, malformed or unknown participation code gets 401", arguments: StoreBackend.available)
    func wrongCodes(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        let other = try TestStudy.make()
        try await Harness.run(backend) { service in
            let (credential, code) = try await service.createWithOneLink(study)
            let otherCode = try #require(try await service.links(other, try await service.create(other), count: 1).first)
            let envelope = try study.envelope(code: code, submission: 1, values: study.values(1))
            let unknown = String(code.dropLast()) + (code.last == "A" ? "B" : "A")
            for bearer in [nil, "", "short", unknown, otherCode, code + "A", credential] {
                let put = try await service.submit(study, code: bearer ?? "", envelope)
                #expect(put.status == .unauthorized, "\(bearer ?? "none")")
                #expect(try put.error == "this participation link is not valid for this study")
                let get = try await service.request(.get, "/api/v1/studies/\(study.id)/contribution", bearer: bearer)
                #expect(get.status == .unauthorized)
                #expect(try get.error == "this participation link is not valid for this study")
            }
            let missingStudy = try await service.request(.get, "/api/v1/studies/no-such-study/contribution", bearer: code)
            #expect(missingStudy.status == .notFound)
            #expect(try await service.submit(study, code: code, envelope).status == .created)
        }
    }

    @Test("an expired participation link gets 410, and its earlier submission stays", arguments: StoreBackend.available)
    func expiredLink(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(backend) { service in
            let credential = try await service.create(study)
            let expiresAt = Reply.time(service.clock.now.addingTimeInterval(3600))
            let code = ParticipationCode.generate()
            let made = try await service.request(
                .post, "/api/v1/studies/\(study.id)/links", bearer: credential,
                body: Data(#"{"participants":["\#(study.tag(code).hex)"],"expiresAt":"\#(expiresAt)"}"#.utf8))
            #expect(made.status == .created)
            #expect(try await service.submit(study, code: code, try study.envelope(code: code, submission: 1, values: study.values(1))).status == .created)

            service.clock.advance(3600)
            let late = try await service.submit(study, code: code, try study.envelope(code: code, submission: 2, values: study.values(2)))
            #expect(late.status == .gone)
            #expect(try late.error == "this participation link expired on \(expiresAt); ask the study's analyst for a new one")
            #expect(try await service.contribution(study, code: code).status == .gone)
            let stored = try await service.store.latestSubmission(studyID: study.id, participant: study.tag(code))
            #expect(stored?.submission == 1)

            // An expiry in the past, or not a time, is refused.
            for (expiry, status) in [(Reply.time(service.clock.now), HTTPResponse.Status.unprocessableContent), ("soon", .badRequest)] {
                let refused = try await service.request(
                    .post, "/api/v1/studies/\(study.id)/links", bearer: credential,
                    body: Data(#"{"participants":["\#(study.tag(ParticipationCode.generate()).hex)"],"expiresAt":"\#(expiry)"}"#.utf8))
                #expect(refused.status == status, "\(expiry)")
            }
        }
    }

    @Test("each participation link is rate limited", arguments: StoreBackend.available)
    func rateLimit(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(
            backend, configure: { $0.contributionRate = .init(burst: 3, interval: 8) }
        ) { service in
            let credential = try await service.create(study)
            let codes = try await service.links(study, credential, count: 2)
            for _ in 0..<2 { #expect(try await service.contribution(study, code: codes[0]).status == .ok) }
            let envelope = try study.envelope(code: codes[0], submission: 1, values: study.values(1))
            #expect(try await service.submit(study, code: codes[0], envelope).status == .created)

            let limited = try await service.submit(
                study, code: codes[0], try study.envelope(code: codes[0], submission: 2, values: study.values(2)))
            #expect(limited.status == .tooManyRequests)
            #expect(limited[header: "Retry-After"] == "8")
            #expect(try limited.error == "too many requests from this participation link; try again in 8 seconds")
            #expect(try await service.contribution(study, code: codes[0]).status == .tooManyRequests)
            // Other links are not affected.
            #expect(try await service.contribution(study, code: codes[1]).status == .ok)

            service.clock.advance(4)
            #expect(try await service.contribution(study, code: codes[0])[header: "Retry-After"] == "4")
            service.clock.advance(4)
            let allowed = try await service.contribution(study, code: codes[0])
            #expect(allowed.status == .ok)
            #expect(try allowed.json["latestSubmission"] as? Int == 1)
            #expect(try await service.contribution(study, code: codes[0]).status == .tooManyRequests)
        }
    }
}
