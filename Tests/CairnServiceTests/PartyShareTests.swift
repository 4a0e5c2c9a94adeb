import CairnService
import CairnStore
import CairnStoreTesting
import CairnStudy
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Study service: compute parties")
struct PartyShareTests {
    /// Fetches every page of `party`'s shares, `limit` records at a time.
    func allShares(
        _ service: Harness, _ study: TestStudy, party: Int, token: String, limit: Int
    ) async throws -> (records: [PartyShareRecord], pages: Int) {
        var records: [PartyShareRecord] = []
        var after: String?
        var pages = 0
        repeat {
            let answer = try await service.shares(
                study, party: party, token: token, query: "?limit=\(limit)" + (after.map { "&after=\($0)" } ?? ""))
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.headers[.contentType] == PartyShareRecord.mediaType)
            let page = try PartyShareRecord.read(answer.body, party: party - 1)
            #expect(answer[header: "Cairn-Record-Count"] == String(page.count))
            #expect(page.count <= limit)
            records += page
            after = answer[header: "Cairn-Next-After"]
            if let after { #expect(after == page.last?.participant.hex) }
            pages += 1
        } while after != nil && pages < 100
        return (records, pages)
    }

    @Test("every party gets its share of every latest submission, which opens and adds up", arguments: StoreBackend.available)
    func sharesAddUp(backend: StoreBackend) async throws {
        let study = try TestStudy.make(regions: ["north", "south"])
        try await Harness.run(backend) { service in
            let credential = try await service.create(study)
            let codes = try await service.links(study, credential, count: 5, cohorts: ["region": "north"])
            var expected: [ParticipantTag: (submission: UInt32, values: [UInt64])] = [:]
            for (number, code) in codes.enumerated() {
                let values = study.values(number)
                #expect(try await service.submit(study, code: code, try study.envelope(code: code, submission: 1, values: values)).status == .created)
                expected[study.tag(code)] = (1, values)
            }
            // Two contributors change their minds; the latest submission is the one computed on.
            for (number, code) in codes.prefix(2).enumerated() {
                let values = study.values(100 + number)
                #expect(try await service.submit(study, code: code, try study.envelope(code: code, submission: 4, values: values)).status == .created)
                expected[study.tag(code)] = (4, values)
            }
            // A link that never submitted is not among the shares.
            _ = try await service.links(study, credential, count: 1, cohorts: ["region": "south"])

            let tokens = try await (1...3).asyncMap { try await service.session(study, party: $0) }
            let early = try await service.shares(study, party: 1, token: tokens[0])
            #expect(early.status == .conflict)
            #expect(try early.error.contains("is still open"))

            #expect(try await service.close(study, credential).status == .ok)
            var opened: [ParticipantTag: [ShareBody]] = [:]
            for party in 1...3 {
                let (records, pages) = try await allShares(service, study, party: party, token: tokens[party - 1], limit: 2)
                #expect(pages == 3)
                #expect(records.count == 5)
                #expect(records.map(\.participant.bytes) == records.map(\.participant.bytes).sorted { $0.lexicographicallyPrecedes($1) })
                #expect(Set(records.map(\.participant)) == Set(expected.keys))
                for record in records {
                    #expect(record.submission == expected[record.participant]?.submission)
                    #expect(record.share.party == party - 1)
                    let share = try record.share.open(
                        partyCount: 3, for: record.reference(studyID: study.id), expectedCount: study.valueCount,
                        using: study.keys[party - 1])
                    opened[record.participant, default: []].append(share)
                }
            }
            for (participant, shares) in opened {
                #expect(shares.count == 3)
                #expect(SubmissionShares.combine(shares) == expected[participant]?.values)
            }

            // One page with everything.
            let whole = try await service.shares(study, party: 2, token: tokens[1])
            #expect(whole[header: "Cairn-Record-Count"] == "5")
            #expect(whole[header: "Cairn-Next-After"] == nil)
        }
    }

    @Test("session tokens: only for their party and study, and only for an hour", arguments: StoreBackend.available)
    func sessionTokens(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        let other = try TestStudy.make()
        try await Harness.run(backend) { service in
            let credential = try await service.create(study)
            let otherCredential = try await service.create(other)
            #expect(try await service.close(study, credential).status == .ok)
            #expect(try await service.close(other, otherCredential).status == .ok)

            let first = try await service.session(study, party: 1)
            let second = try await service.session(study, party: 2)
            let elsewhere = try await service.session(other, party: 1)
            #expect(try await service.shares(study, party: 1, token: first).status == .ok)
            for (party, token) in [(2, first), (1, second), (1, elsewhere), (1, nil), (1, "not-a-token"), (1, credential)] {
                let answer = try await service.shares(study, party: party, token: token)
                #expect(answer.status == .unauthorized, "\(party) \(token ?? "none")")
                #expect(try answer.error == "this request needs a valid session token of party \(party) for this study")
            }

            // Another party's key cannot open a party's session token.
            let sealed = try await service.request(.post, "/api/v1/studies/\(study.id)/parties/1/session").json
            let encText = try #require(sealed["enc"] as? String)
            let ciphertextText = try #require(sealed["ciphertext"] as? String)
            let enc = try #require(Data(base64Encoded: encText))
            let ciphertext = try #require(Data(base64Encoded: ciphertextText))
            #expect(sealed["expiresAt"] as? String == "2026-11-18T12:06:40.000Z")
            #expect(throws: SubmissionError.self) {
                try PartySession.open(
                    .init(party: 0, enc: Array(enc), ciphertext: Array(ciphertext)), studyID: study.id, partyCount: 3,
                    using: study.keys[1])
            }

            for uri in ["parties/0/session", "parties/4/session", "parties/x/session", "parties/4/shares"] {
                let answer = try await service.request(uri.hasSuffix("session") ? .post : .get, "/api/v1/studies/\(study.id)/\(uri)")
                #expect(answer.status == .notFound, "\(uri)")
            }
            for query in ["?limit=0", "?limit=5001", "?limit=many", "?after=00ff", "?after=\(String(repeating: "g", count: 64))"] {
                #expect(try await service.shares(study, party: 1, token: first, query: query).status == .badRequest, "\(query)")
            }
            #expect(try await service.shares(study, party: 1, token: first, query: "?after=\(String(repeating: "0", count: 64))&limit=5000").status == .ok)

            service.clock.advance(3599)
            #expect(try await service.shares(study, party: 1, token: first).status == .ok)
            service.clock.advance(1)
            #expect(try await service.shares(study, party: 1, token: first).status == .unauthorized)
        }
    }

    @Test("a ciphertext sent under another participant's code is stored but does not open", arguments: StoreBackend.available)
    func swappedCiphertext(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(backend) { service in
            let credential = try await service.create(study)
            let codes = try await service.links(study, credential, count: 2)
            let (alice, bob) = (codes[0], codes[1])
            let forAlice = try study.envelope(code: alice, submission: 1, values: study.values(1))
            #expect(try await service.submit(study, code: alice, forAlice).status == .created)
            // Bob replays Alice's envelope: its shape fits, the service cannot tell.
            #expect(try await service.submit(study, code: bob, forAlice).status == .created)
            #expect(try await service.close(study, credential).status == .ok)

            let token = try await service.session(study, party: 1)
            let records = try PartyShareRecord.read(try await service.shares(study, party: 1, token: token).body, party: 0)
            #expect(records.count == 2)
            for record in records {
                let reference = record.reference(studyID: study.id)
                if record.participant == study.tag(alice) {
                    _ = try record.share.open(partyCount: 3, for: reference, using: study.keys[0])
                } else {
                    let error = #expect(throws: SubmissionError.self) {
                        try record.share.open(partyCount: 3, for: reference, using: study.keys[0])
                    }
                    #expect(error == .doesNotDecrypt(reference, party: 0))
                    #expect(error?.description.contains("submission 1 of participant \(study.tag(bob))") == true)
                }
            }
        }
    }

    @Test("the log has one line per request and no secrets", arguments: StoreBackend.available)
    func logsHoldNoSecrets(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(backend) { service in
            let (credential, code) = try await service.createWithOneLink(study)
            let envelope = try study.envelope(code: code, submission: 1, values: study.values(1))
            #expect(try await service.submit(study, code: code, envelope, idempotencyKey: "key-1").status == .created)
            _ = try await service.submit(study, code: code + "x", envelope)
            #expect(try await service.close(study, credential).status == .ok)
            let token = try await service.session(study, party: 1)
            #expect(try await service.shares(study, party: 1, token: token).status == .ok)

            let lines = service.logs.all
            let secrets = [credential, code, token, Harness.operatorToken, Data(envelope.shares[0].ciphertext).base64EncodedString()]
            for line in lines {
                for secret in secrets { #expect(!line.contains(secret), "\(line)") }
            }
            #expect(lines.contains { $0.contains("study \(study.id) created") })
            #expect(lines.contains { $0.contains("study \(study.id): 1 participants linked") })
            #expect(lines.contains { $0.contains("study \(study.id) closed") })
            #expect(lines.contains { $0.contains("PUT /api/v1/studies/\(study.id)/contribution 201 ") && $0.contains(" ms") })
            #expect(lines.contains { $0.contains("PUT /api/v1/studies/\(study.id)/contribution 401 ") })
            #expect(lines.contains { $0.contains("GET /api/v1/studies/\(study.id)/parties/1/shares 200 ") })
            #expect(lines.filter { $0.contains("/api/v1/") }.count == 7)
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
