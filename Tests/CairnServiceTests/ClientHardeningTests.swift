import CairnClient
import CairnStudy
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// The client against a service that is busy or that pages its shares without end (issue 10).
@Suite("Service client: retries and paging bounds")
struct ClientHardeningTests {
    final class Counter: Sendable {
        let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
    }

    /// Runs `body` with a client of a live stub service whose routes `build` adds.
    static func withStub(
        _ build: (Router<BasicRequestContext>) -> Void, _ body: @escaping @Sendable (ServiceClient) async throws -> Void
    ) async throws {
        let router = Router()
        build(router)
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            .test(.live) { client in
                try await body(ServiceClient(baseURL: "http://127.0.0.1:\(try #require(client.port))"))
            }
    }

    static func busy() -> Response {
        Response(
            status: .tooManyRequests, headers: [.retryAfter: "0", .contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"error":"busy"}"#)))
    }

    @Test("429 and 503 with Retry-After are retried, a bounded number of times")
    func busyRetried() async throws {
        let calls = Counter()
        let always = Counter()
        try await Self.withStub({ router in
            router.get("/api/v1/health") { _, _ -> Response in
                calls.next() <= 2 ? Self.busy() : Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
            }
            router.get("/api/v1/studies/s") { _, _ -> Response in
                _ = always.next()
                return Self.busy()
            }
        }) { client in
            try await client.health()
            #expect(calls.value.withLock { $0 } == 3)
            let error = await #expect(throws: ServiceError.self) { _ = try await client.study("s") }
            #expect(error?.status == 429)
            #expect(always.value.withLock { $0 } == 1 + client.busyRetries)
        }
    }

    static func record(_ tagByte: UInt8) -> [UInt8] {
        var bytes: [UInt8] = []
        PartyShareRecord(
            participant: ParticipantTag(hex: String(repeating: String(format: "%02x", tagByte), count: 32))!, submission: 1,
            share: .init(party: 0, enc: [4] + Array(repeating: 1, count: 64), ciphertext: Array(repeating: 2, count: 40)),
            linkCohorts: [:]
        ).write(to: &bytes)
        return bytes
    }

    static func page(_ records: [UInt8], next: UInt8?) -> Response {
        var headers: HTTPFields = [.contentType: PartyShareRecord.mediaType]
        if let next { headers[.init("Cairn-Next-After")!] = String(repeating: String(format: "%02x", next), count: 32) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: records)))
    }

    @Test("allShares stops on a cursor that repeats, goes back, or names a page after an empty one")
    func sharesPagingBounded() async throws {
        try await Self.withStub({ router in
            // Empty pages that always promise another.
            router.get("/api/v1/studies/empty/parties/1/shares") { _, _ in Self.page([], next: 7) }
            // A first page of tag 0x50, then a page going back to 0x10.
            router.get("/api/v1/studies/back/parties/1/shares") { request, _ in
                request.uri.queryParameters.get("after") == nil
                    ? Self.page(Self.record(0x50), next: 0x50) : Self.page(Self.record(0x10), next: 0x10)
            }
            // The same page again and again.
            router.get("/api/v1/studies/same/parties/1/shares") { _, _ in Self.page(Self.record(0x50), next: 0x50) }
            // Two honest pages.
            router.get("/api/v1/studies/fine/parties/1/shares") { request, _ in
                request.uri.queryParameters.get("after") == nil
                    ? Self.page(Self.record(0x10), next: 0x10) : Self.page(Self.record(0x20), next: nil)
            }
        }) { client in
            for study in ["empty", "back", "same"] {
                let error = await #expect(throws: ServiceError.self) {
                    _ = try await client.allShares(study: study, party: 0, token: "t")
                }
                #expect(error?.message.contains("inconsistent") == true, "\(study)")
            }
            let fine = try await client.allShares(study: "fine", party: 0, token: "t")
            #expect(fine.count == 2)
        }
    }
}
