import CairnService
import CairnStore
import CairnStoreTesting
import CairnStudy
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@Suite("Study service over a socket")
struct LiveServiceTests {
    @Test("create a study, make a link and submit over HTTP/1.1 on a real port")
    func live() async throws {
        let study = try TestStudy.make()
        let logs = LogCapture()
        let reported = Mutex<Int?>(nil)
        try await StoreBackend.sqlite.withStore { store in
            let service = StudyService(
                store: store, configuration: ServiceConfiguration(operatorToken: Harness.operatorToken), logger: logs.logger)
            let application = try service.application(host: "127.0.0.1", port: 0) { _, port in reported.withLock { $0 = port } }
            try await application.test(.live) { client in
                #expect(client.port != nil)
                #expect(reported.withLock { $0 } == client.port)
                let health = try await client.execute(uri: "/api/v1/health", method: .get)
                #expect(health.status == .ok)

                let created = try await client.execute(
                    uri: "/api/v1/studies", method: .post, headers: [.authorization: "Bearer \(Harness.operatorToken)"],
                    body: ByteBuffer(bytes: study.json))
                #expect(created.status == .created)
                let createdObject = try JSONSerialization.jsonObject(with: Data(created.body.readableBytesView)) as? [String: Any]
                let credential = try #require(createdObject?["analystCredential"] as? String)
                let code = ParticipationCode.generate()
                let links = try await client.execute(
                    uri: "/api/v1/studies/\(study.id)/links", method: .post,
                    headers: [.authorization: "Bearer \(credential)"],
                    body: ByteBuffer(string: #"{"participants":["\#(study.tag(code).hex)"]}"#))
                #expect(links.status == .created)

                let envelope = try study.envelope(code: code, submission: 1, values: study.values(1))
                let put = try await client.execute(
                    uri: "/api/v1/studies/\(study.id)/contribution", method: .put,
                    headers: [.authorization: "Bearer \(code)"], body: ByteBuffer(bytes: envelope.json()))
                #expect(put.status == .created)

                let tooLarge = try await client.execute(
                    uri: "/api/v1/studies/\(study.id)/contribution", method: .put,
                    headers: [.authorization: "Bearer \(code)"], body: ByteBuffer(repeating: 32, count: 1 << 20))
                #expect(tooLarge.status == .contentTooLarge)
                #expect(String(buffer: tooLarge.body).contains(#""error":"#))
            }
        }
    }
}
