import CairnService
import CairnStore
import CairnStudy
import CairnStoreTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// A clock the tests move by hand.
final class TestClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_795_000_000))  // 2026-11-18T11:06:40Z

    var now: Date { time.withLock { $0 } }

    func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Every line the service logs, to check that none holds a secret.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    var logger: Logger {
        Logger(label: "cairn.serve.tests") { _ in Handler(capture: self) }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let line = "\(event.level) \(event.message) \(event.metadata ?? [:]) \(metadata)"
            capture.lines.withLock { $0.append(line) }
        }
    }
}

/// A study made from `examples/quickstart.json` with a fresh ID and fresh party keys.
struct TestStudy: Sendable {
    let id: String
    let keys: [SubmissionPrivateKey]
    let json: Data
    let definition: StudyDefinition

    var publicKeys: [SubmissionPublicKey] { keys.map(\.publicKey) }
    var valueCount: Int { definition.cellLayout.vectorLength }
    var partyCount: Int { keys.count }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// - Parameter regions: the options of a cohort `region` assigned by link, if any.
    static func make(regions: [String]? = nil) throws -> TestStudy {
        let example = try Data(contentsOf: packageRoot.appendingPathComponent("examples/quickstart.json"))
        var object = try #require(try JSONSerialization.jsonObject(with: example) as? [String: Any])
        let id = "test-\(UUID().uuidString.lowercased())"
        object["id"] = id
        var parties = try #require(object["computeParties"] as? [[String: Any]])
        let keys = parties.map { _ in SubmissionPrivateKey.generate() }
        for index in parties.indices { parties[index]["submissionKey"] = keys[index].publicKey.base64 }
        object["computeParties"] = parties
        if let regions {
            var cohorts = object["cohorts"] as? [[String: Any]] ?? []
            cohorts.append(["id": "region", "question": "Where are you?", "options": regions, "assignedBy": "link"])
            object["cohorts"] = cohorts
        }
        let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return TestStudy(id: id, keys: keys, json: json, definition: try StudyDefinition.load(from: json))
    }

    func tag(_ code: String) -> ParticipantTag { ParticipantTag(studyID: id, participationCode: code) }

    /// Values that differ per contributor and position.
    func values(_ contributor: Int) -> [UInt64] {
        (0..<valueCount).map { UInt64(contributor) &* 1_000_003 &+ UInt64($0) &* 7 }
    }

    /// A real envelope: `values` sealed for the participant holding `code`.
    func envelope(code: String, submission: UInt32, values: [UInt64]) throws -> SubmissionEnvelope {
        try SubmissionEnvelope.seal(
            values, for: SubmissionReference(studyID: id, participant: tag(code), submission: submission), to: publicKeys)
    }
}

/// One answer of the service.
struct Answer {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    var json: [String: Any] {
        get throws { try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any], "not a JSON object: \(text)") }
    }

    /// The message of an error answer, checking its shape (`{"error": "…"}`).
    var error: String {
        get throws {
            let object = try json
            return try #require(object["error"] as? String, "no error message in \(text)")
        }
    }

    subscript(header name: String) -> String? { headers[.init(name)!] }
}

/// A service over a fresh store, driven through Hummingbird's router test client.
struct Harness: Sendable {
    static let operatorToken = "operator-token-for-the-tests-0123456789"

    let client: any TestClientProtocol
    let clock: TestClock
    let logs: LogCapture
    /// The service's store, to check what it holds.
    let store: any StudyStore

    /// Runs `body` against a service over a fresh store of `backend`.
    static func run(
        _ backend: StoreBackend, configure: (inout ServiceConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (Harness) async throws -> Void
    ) async throws {
        let clock = TestClock()
        let logs = LogCapture()
        var configuration = ServiceConfiguration(operatorToken: operatorToken, now: { clock.now })
        configure(&configuration)
        try await backend.withStore { store in
            let service = StudyService(store: store, configuration: configuration, logger: logs.logger)
            try await Application(router: service.router()).test(.router) { client in
                try await body(Harness(client: client, clock: clock, logs: logs, store: store))
            }
        }
    }

    func request(
        _ method: HTTPRequest.Method, _ uri: String, bearer: String? = nil, headers: HTTPFields = [:], body: Data? = nil
    ) async throws -> Answer {
        var fields = headers
        if let bearer { fields[.authorization] = "Bearer \(bearer)" }
        let response = try await client.execute(
            uri: uri, method: method, headers: fields, body: body.map { ByteBuffer(bytes: $0) })
        return Answer(status: response.status, headers: response.headers, body: Data(response.body.readableBytesView))
    }

    // MARK: Steps

    /// Creates the study; returns the analyst credential.
    func create(_ study: TestStudy) async throws -> String {
        let answer = try await request(.post, "/api/v1/studies", bearer: Self.operatorToken, body: study.json)
        #expect(answer.status == .created, "\(answer.text)")
        return try #require(try answer.json["analystCredential"] as? String)
    }

    /// Makes `count` codes as the analyst's tools do and links their tags; returns the codes.
    func links(_ study: TestStudy, _ credential: String, count: Int, cohorts: [String: String]? = nil) async throws -> [String] {
        let codes = (0..<count).map { _ in ParticipationCode.generate() }
        var body: [String: Any] = ["participants": codes.map { study.tag($0).hex }]
        if let cohorts { body["cohorts"] = cohorts }
        let answer = try await request(
            .post, "/api/v1/studies/\(study.id)/links", bearer: credential,
            body: try JSONSerialization.data(withJSONObject: body))
        #expect(answer.status == .created, "\(answer.text)")
        #expect(try answer.json["linked"] as? Int == count)
        return codes
    }

    /// Creates the study and one link; returns the analyst credential and the link's code.
    func createWithOneLink(_ study: TestStudy) async throws -> (credential: String, code: String) {
        let credential = try await create(study)
        return (credential, try #require(try await links(study, credential, count: 1).first))
    }

    func submit(_ study: TestStudy, code: String, body: Data, idempotencyKey: String? = nil) async throws -> Answer {
        var headers: HTTPFields = [:]
        if let idempotencyKey { headers[.init("Idempotency-Key")!] = idempotencyKey }
        return try await request(.put, "/api/v1/studies/\(study.id)/contribution", bearer: code, headers: headers, body: body)
    }

    func submit(_ study: TestStudy, code: String, _ envelope: SubmissionEnvelope, idempotencyKey: String? = nil) async throws -> Answer {
        try await submit(study, code: code, body: envelope.json(), idempotencyKey: idempotencyKey)
    }

    func contribution(_ study: TestStudy, code: String) async throws -> Answer {
        try await request(.get, "/api/v1/studies/\(study.id)/contribution", bearer: code)
    }

    func close(_ study: TestStudy, _ credential: String) async throws -> Answer {
        try await request(.post, "/api/v1/studies/\(study.id)/close", bearer: credential)
    }

    /// A session token for `party` (from 1), opened with the party's key.
    func session(_ study: TestStudy, party: Int) async throws -> String {
        let answer = try await request(.post, "/api/v1/studies/\(study.id)/parties/\(party)/session")
        #expect(answer.status == .ok, "\(answer.text)")
        let object = try answer.json
        #expect(object["party"] as? Int == party)
        let encText = try #require(object["enc"] as? String)
        let ciphertextText = try #require(object["ciphertext"] as? String)
        let enc = try #require(Data(base64Encoded: encText))
        let ciphertext = try #require(Data(base64Encoded: ciphertextText))
        let token = try PartySession.open(
            .init(party: party - 1, enc: Array(enc), ciphertext: Array(ciphertext)), studyID: study.id,
            partyCount: study.partyCount, using: study.keys[party - 1])
        #expect(token.count == PartySession.tokenByteCount)
        return Data(token).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    func shares(_ study: TestStudy, party: Int, token: String?, query: String = "") async throws -> Answer {
        try await request(.get, "/api/v1/studies/\(study.id)/parties/\(party)/shares\(query)", bearer: token)
    }
}
