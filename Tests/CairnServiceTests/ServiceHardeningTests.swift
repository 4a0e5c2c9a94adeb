@testable import CairnService
import CairnStore
import CairnStoreTesting
import CairnStudy
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Limits that strangers cannot turn against the holders of a valid secret, and an
/// Idempotency-Key reused with other content (issue 10).
@Suite("Study service: hardening")
struct ServiceHardeningTests {
    @Test("a flood of wrong analyst credentials does not lock the analyst out", arguments: StoreBackend.available)
    func analystNotLockedOut(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(backend) { service in
            let credential = try await service.create(study)
            let uri = "/api/v1/studies/\(study.id)/participation"
            for _ in 0..<100 {
                let guess = AnalystCredential.generate()
                #expect(try await service.request(.get, uri, bearer: guess).status == .unauthorized)
            }
            #expect(try await service.request(.get, uri, bearer: credential).status == .ok)
        }
    }

    @Test("credentials stored as SHA-256; those stored before (scrypt) still work, limited per client address")
    func legacyCredential() async throws {
        let credential = AnalystCredential.generate()
        let stored = try await AnalystCredential.hash(credential)
        #expect(stored.count == 33 && stored.first == 2)
        #expect(await AnalystCredential.verify(Substring(credential), against: stored))
        #expect(await !AnalystCredential.verify(Substring(AnalystCredential.generate()), against: stored))

        let study = try TestStudy.make()
        try await Harness.run(.sqlite, configure: { $0.analystCheckRate = .init(burst: 2, interval: 6) }) { service in
            let legacy = try await AnalystCredential.scryptHash(credential)
            try await service.store.createStudy(
                StudyRecord(id: study.id, definition: study.json, analystCredentialHash: legacy, createdAt: service.clock.now))
            let uri = "/api/v1/studies/\(study.id)/participation"
            try await ClientAddress.$current.withValue("192.0.2.1") { () async throws -> Void in
                for _ in 0..<2 {
                    #expect(try await service.request(.get, uri, bearer: AnalystCredential.generate()).status == .unauthorized)
                }
                #expect(try await service.request(.get, uri, bearer: AnalystCredential.generate()).status == .tooManyRequests)
            }
            // The stranger's address is slowed; the analyst's is not.
            try await ClientAddress.$current.withValue("198.51.100.7") { () async throws -> Void in
                #expect(try await service.request(.get, uri, bearer: credential).status == .ok)
            }
        }
    }

    @Test("a flood of session requests does not starve the party of its session", arguments: StoreBackend.available)
    func sessionNotStarved(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(backend) { service in
            let (credential, code) = try await service.createWithOneLink(study)
            #expect(try await service.submit(study, code: code, try study.envelope(code: code, submission: 1, values: study.values(1))).status == .created)
            #expect(try await service.close(study, credential).status == .ok)
            for _ in 0..<200 {
                #expect(try await service.request(.post, "/api/v1/studies/\(study.id)/parties/1/session").status == .ok)
            }
            let token = try await service.session(study, party: 1)
            #expect(try await service.shares(study, party: 1, token: token).status == .ok)
            // The token is the party's and the study's only, and ends at its expiry.
            #expect(try await service.shares(study, party: 2, token: token).status == .unauthorized)
            var forged = Array(token)
            forged[20] = forged[20] == "A" ? "B" : "A"
            #expect(try await service.shares(study, party: 1, token: String(forged)).status == .unauthorized)
            service.clock.advance(3600)
            #expect(try await service.shares(study, party: 1, token: token).status == .unauthorized)
        }
    }

    @Test("unknown participation codes are limited per client address; a contributor elsewhere still submits",
          arguments: StoreBackend.available)
    func unknownCodesLimited(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(backend, configure: { $0.unknownCodeRate = .init(burst: 3, interval: 10) }) { service in
            let (_, code) = try await service.createWithOneLink(study)
            let uri = "/api/v1/studies/\(study.id)/contribution"
            let guess = String(repeating: "A", count: 24)
            try await ClientAddress.$current.withValue("192.0.2.1") { () async throws -> Void in
                for _ in 0..<3 { #expect(try await service.request(.get, uri, bearer: guess).status == .unauthorized) }
                let limited = try await service.request(.get, uri, bearer: guess)
                #expect(limited.status == .tooManyRequests)
                #expect(limited[header: "Retry-After"] == "10")
            }
            try await ClientAddress.$current.withValue("198.51.100.7") { () async throws -> Void in
                #expect(try await service.contribution(study, code: code).status == .ok)
            }
            service.clock.advance(10)
            try await ClientAddress.$current.withValue("192.0.2.1") { () async throws -> Void in
                #expect(try await service.request(.get, uri, bearer: guess).status == .unauthorized)
            }
        }
    }

    @Test("an Idempotency-Key reused with other content is a 409, not a retry", arguments: StoreBackend.available)
    func idempotencyKeyReusedWithOtherContent(backend: StoreBackend) async throws {
        let study = try TestStudy.make()
        try await Harness.run(backend) { service in
            let (_, code) = try await service.createWithOneLink(study)
            let first = try study.envelope(code: code, submission: 1, values: study.values(1))
            let other = try study.envelope(code: code, submission: 1, values: study.values(2))
            #expect(try await service.submit(study, code: code, first, idempotencyKey: "key-1").status == .created)
            let conflict = try await service.submit(study, code: code, other, idempotencyKey: "key-1")
            #expect(conflict.status == .conflict)
            #expect(try conflict.error.contains("already used for submission 1 with different content"))
            let retry = try await service.submit(study, code: code, first, idempotencyKey: "key-1")
            #expect(retry.status == .ok)
            #expect(try retry.json["retry"] as? Bool == true)
        }
    }
}
