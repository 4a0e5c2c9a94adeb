import AsyncHTTPClient
import CairnStudy
import Foundation
import NIOCore
import NIOHTTP1

/// The client side of the study service's HTTP API (`docs/API.md`): what `cairn study`, `cairn
/// links`, `cairn submit`, `cairn compute` and the demo call. One method per endpoint; each
/// returns the decoded answer or throws ``ServiceError`` with the service's own message.
public struct ServiceClient: Sendable {
    /// The service's base URL, without a trailing slash: `http://127.0.0.1:8080`.
    public let baseURL: String
    let http: HTTPClient
    /// How long one request may take, end to end.
    public var timeout: TimeAmount = .seconds(60)
    /// How many times a request answered `429 Too Many Requests` or `503 Service Unavailable` is
    /// sent again, each after the answer's `Retry-After` seconds.
    public var busyRetries = 3
    /// The longest `Retry-After` waited for; a longer one is reported at once.
    public var longestRetryWait: Duration = .seconds(60)

    public init(baseURL: String, httpClient: HTTPClient = .shared) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.http = httpClient
    }

    // MARK: Anyone

    /// `GET /api/v1/health`.
    public func health() async throws {
        _ = try await send(.GET, "/api/v1/health")
    }

    /// `GET /api/v1/studies/{study}`: the definition and whether the study is open.
    public func study(_ studyID: String) async throws -> PublishedStudy {
        let body = try await send(.GET, "/api/v1/studies/\(studyID)")
        let answer = try decode(PublishedStudyWire.self, body)
        let definition = try StudyDefinition.decode(from: answer.definition.data, name: "the study definition from the service")
        return PublishedStudy(definition: definition, status: answer.status, closedAt: answer.closedAt)
    }

    /// `GET /api/v1/studies/{study}/definition`: the definition's bytes, exactly as the analyst
    /// created the study with them.
    public func definitionBytes(_ studyID: String) async throws -> Data {
        Data(try await send(.GET, "/api/v1/studies/\(studyID)/definition"))
    }

    /// The study, with the definition the service serves checked against `digest` (the one a
    /// participation link carries, or the one of the file the analyst handed out) before it is
    /// read: throws ``DefinitionMismatch`` when the service serves other bytes.
    public func study(_ studyID: String, pinnedTo digest: DefinitionDigest) async throws -> PublishedStudy {
        let published = try await study(studyID)
        let bytes = try await definitionBytes(studyID)
        let served = DefinitionDigest(of: bytes)
        guard served == digest else { throw DefinitionMismatch(service: baseURL, expected: digest, served: served) }
        let definition = try StudyDefinition.decode(from: bytes, name: "the study definition from the service")
        return PublishedStudy(definition: definition, status: published.status, closedAt: published.closedAt)
    }

    // MARK: Operator

    /// `POST /api/v1/studies`: creates a study; the answer holds the analyst credential, shown once.
    public func createStudy(definition: Data, operatorToken: String) async throws -> CreatedStudy {
        try decode(CreatedStudy.self, try await send(.POST, "/api/v1/studies", bearer: operatorToken, body: definition))
    }

    // MARK: Analyst

    /// `POST /api/v1/studies/{study}/links`: links the participants whose codes the analyst's
    /// tools made, by their tags (the service never sees a code). Links stop working at
    /// `expiresAt`, or when the study closes. Returns how many were linked.
    public func linkParticipants(
        study studyID: String, tags: [ParticipantTag], cohorts: [String: String] = [:], expiresAt: Date? = nil,
        credential: String
    ) async throws -> Int {
        let body = try JSONEncoder().encode(
            LinksRequest(participants: tags.map(\.hex), cohorts: cohorts, expiresAt: expiresAt))
        let answer = try await send(.POST, "/api/v1/studies/\(studyID)/links", bearer: credential, body: body)
        return try decode(LinksAnswer.self, answer).linked
    }

    /// `GET /api/v1/studies/{study}/participation`.
    public func participation(study studyID: String, credential: String, byDay: Bool = false) async throws -> Participation {
        let query = byDay ? "?bucket=day" : ""
        return try decode(Participation.self, try await send(.GET, "/api/v1/studies/\(studyID)/participation\(query)", bearer: credential))
    }

    /// `POST /api/v1/studies/{study}/close`.
    public func close(study studyID: String, credential: String) async throws -> ClosedStudy {
        try decode(ClosedStudy.self, try await send(.POST, "/api/v1/studies/\(studyID)/close", bearer: credential))
    }

    // MARK: Contributor

    /// `GET /api/v1/studies/{study}/contribution`: the link's cohorts and latest submission.
    public func contribution(study studyID: String, code: String) async throws -> ContributionStatus {
        try decode(ContributionStatus.self, try await send(.GET, "/api/v1/studies/\(studyID)/contribution", bearer: code))
    }

    /// `PUT /api/v1/studies/{study}/contribution`. Connection failures are retried with the same
    /// idempotency key, so a submission that reached the service before the connection broke is
    /// acknowledged, not stored twice.
    public func submit(
        study studyID: String, code: String, envelope: Data, idempotencyKey: String = UUID().uuidString,
        attempts: Int = 3
    ) async throws -> SubmissionAcknowledgement {
        var attempt = 1
        while true {
            do {
                let answer = try await send(
                    .PUT, "/api/v1/studies/\(studyID)/contribution", bearer: code, body: envelope,
                    headers: [("Idempotency-Key", idempotencyKey)])
                return try decode(SubmissionAcknowledgement.self, answer)
            } catch let error as ServiceError where error.status == nil && attempt < attempts {
                attempt += 1
                try await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
    }

    // MARK: Compute party

    /// `POST /api/v1/studies/{study}/parties/{n}/session`, opened with the party's submission key:
    /// the bearer token for fetching the party's shares.
    public func openPartySession(
        study studyID: String, party: Int, partyCount: Int, key: SubmissionPrivateKey
    ) async throws -> String {
        let answer = try decode(SessionWire.self, try await send(.POST, "/api/v1/studies/\(studyID)/parties/\(party + 1)/session"))
        guard let enc = Data(base64Encoded: answer.enc), let ciphertext = Data(base64Encoded: answer.ciphertext) else {
            throw ServiceError(status: nil, message: "the service's session answer is not base64")
        }
        let token = try PartySession.open(
            .init(party: party, enc: Array(enc), ciphertext: Array(ciphertext)), studyID: studyID, partyCount: partyCount,
            using: key)
        return Base64URL.encode(token)
    }

    /// One page of `GET /api/v1/studies/{study}/parties/{n}/shares`.
    public func shares(
        study studyID: String, party: Int, token: String, after: ParticipantTag?, limit: Int
    ) async throws -> (records: [PartyShareRecord], next: ParticipantTag?) {
        var path = "/api/v1/studies/\(studyID)/parties/\(party + 1)/shares?limit=\(limit)"
        if let after { path += "&after=\(after.hex)" }
        let (body, headers) = try await exchange(.GET, path, bearer: token, accept: PartyShareRecord.mediaType)
        let records = try PartyShareRecord.read(body, party: party)
        let next = headers.first(name: "Cairn-Next-After").flatMap(ParticipantTag.init(hex:))
        return (records, next)
    }

    /// Every participant's latest share for `party`, page by page.
    ///
    /// The service is not trusted to end the listing: every page that promises another must hold
    /// records, in increasing participant order after the previous page's, and end with the
    /// cursor it names, and no more than `maximumRecords` are read. A cursor that repeats or goes
    /// back, an empty page with a cursor, or too many records stop it with a ``ServiceError``.
    public func allShares(
        study studyID: String, party: Int, token: String, pageSize: Int = 2000, maximumRecords: Int = 10_000_000,
        progress: (@Sendable (Int) async -> Void)? = nil
    ) async throws -> [PartyShareRecord] {
        var records: [PartyShareRecord] = []
        var cursor: ParticipantTag?
        repeat {
            let page = try await shares(study: studyID, party: party, token: token, after: cursor, limit: pageSize)
            try Self.checkPage(page, after: cursor, limit: pageSize)
            records += page.records
            guard records.count <= maximumRecords else {
                throw ServiceError(
                    status: nil, message: "the study service kept sending shares past \(maximumRecords) records; stopped")
            }
            cursor = page.next
            await progress?(records.count)
        } while cursor != nil
        return records
    }

    /// Checks that a page of shares moves the listing forward (see ``allShares(study:party:token:pageSize:maximumRecords:progress:)``).
    static func checkPage(
        _ page: (records: [PartyShareRecord], next: ParticipantTag?), after cursor: ParticipantTag?, limit: Int
    ) throws {
        func refuse(_ what: String) -> ServiceError {
            ServiceError(status: nil, message: "the study service's pages of shares are inconsistent: \(what); stopped")
        }
        guard page.records.count <= limit else { throw refuse("a page holds more records than asked for") }
        var previous = cursor?.hex
        for record in page.records {
            let hex = record.participant.hex
            if let previous, hex <= previous { throw refuse("participants repeat or go backwards") }
            previous = hex
        }
        if let next = page.next {
            guard !page.records.isEmpty else { throw refuse("an empty page names a next page") }
            guard next.hex == previous else { throw refuse("the next page does not start after this page's last record") }
        }
    }

    /// `POST /api/v1/studies/{study}/parties/{n}/progress`: tells the analyst's dashboard which
    /// stage this party has reached. `done` and `total` count shares fetched or decrypted.
    public func reportProgress(
        study studyID: String, party: Int, token: String, stage: ComputeStage, done: Int? = nil, total: Int? = nil
    ) async throws {
        let body = try JSONEncoder().encode(ProgressWire(stage: stage.rawValue, done: done, total: total))
        _ = try await send(.POST, "/api/v1/studies/\(studyID)/parties/\(party + 1)/progress", bearer: token, body: body)
    }

    /// `GET /api/v1/studies/{study}/progress`: each compute party's latest stage.
    public func progress(study studyID: String, credential: String) async throws -> StudyProgress {
        try decode(StudyProgress.self, try await send(.GET, "/api/v1/studies/\(studyID)/progress", bearer: credential))
    }

    // MARK: Transport

    /// The largest answer accepted: a page of 5000 pay-equity shares is about 80 MB.
    static let maximumAnswerBytes = 512 << 20

    func send(
        _ method: HTTPMethod, _ path: String, bearer: String? = nil, body: Data? = nil, accept: String? = nil,
        headers extra: [(String, String)] = []
    ) async throws -> [UInt8] {
        try await exchange(method, path, bearer: bearer, body: body, accept: accept, headers: extra).body
    }

    func exchange(
        _ method: HTTPMethod, _ path: String, bearer: String? = nil, body: Data? = nil, accept: String? = nil,
        headers extra: [(String, String)] = []
    ) async throws -> (body: [UInt8], headers: HTTPHeaders) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        request.headers.add(name: "Accept", value: accept ?? "application/json")
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        var (response, bytes) = try await fetch(request)
        var retries = 0
        // Busy (429 or 503): wait as asked and send again, a bounded number of times.
        while [429, 503].contains(response.status.code), retries < busyRetries,
            let wait = response.headers.first(name: "Retry-After").flatMap(Int.init), wait >= 0,
            Duration.seconds(wait) <= longestRetryWait
        {
            retries += 1
            try await Task.sleep(for: .seconds(wait))
            (response, bytes) = try await fetch(request)
        }
        let data = Array(bytes.readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            let refusal = try? JSONDecoder().decode(ErrorWire.self, from: Data(data))
            throw ServiceError(
                status: Int(response.status.code),
                message: refusal?.error ?? "the study service answered \(response.status.code) \(response.status.reasonPhrase)",
                problems: refusal?.problems ?? [])
        }
        return (data, response.headers)
    }

    private func fetch(_ request: HTTPClientRequest) async throws -> (HTTPClientResponse, ByteBuffer) {
        do {
            let response = try await http.execute(request, timeout: timeout)
            return (response, try await response.body.collect(upTo: Self.maximumAnswerBytes))
        } catch {
            throw ServiceError(status: nil, message: ConnectionFailure.message(for: error, baseURL: baseURL, timeout: timeout))
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = ServiceTime.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ISO 8601 time"))
            }
            return date
        }
        do { return try decoder.decode(type, from: Data(bytes)) } catch {
            throw ServiceError(status: nil, message: "the study service's answer could not be read (\(error))")
        }
    }
}

/// What the service (or the way to it) refused.
public struct ServiceError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status, or `nil` when no answer arrived.
    public var status: Int?
    /// The service's plain-language message.
    public var message: String
    /// A refused study definition's problems, one per line.
    public var problems: [String] = []

    public init(status: Int?, message: String, problems: [String] = []) {
        self.status = status
        self.message = message
        self.problems = problems
    }

    public var description: String {
        ([message] + problems.map { "  - \($0)" }).joined(separator: "\n")
    }
}

/// The service served a study definition that is not the one the analyst published.
public struct DefinitionMismatch: Error, Sendable, CustomStringConvertible {
    public var service: String
    public var expected: DefinitionDigest
    public var served: DefinitionDigest

    public init(service: String, expected: DefinitionDigest, served: DefinitionDigest) {
        self.service = service
        self.expected = expected
        self.served = served
    }

    public var description: String {
        "the study service at \(service) serves a study definition whose fingerprint (\(served.short)…) is not the "
            + "one the analyst published (\(expected.short)…): it may list other parties' keys or other rules. "
            + "Nothing was encrypted or sent; tell the study's analyst"
    }
}

// MARK: - Answers

public struct PublishedStudy: Sendable {
    public var definition: StudyDefinition
    public var status: String
    public var closedAt: Date?
    public var isOpen: Bool { status == "open" }
}

public struct CreatedStudy: Codable, Sendable {
    public var study: String
    public var status: String
    public var analystCredential: String
}

public struct Participation: Codable, Sendable {
    public struct Bucket: Codable, Sendable {
        public var start: Date
        public var submissions: Int
        public var participants: Int
    }
    public var status: String
    public var linked: Int
    public var submitted: Int
    public var byCohort: [String: [String: Int]]
    public var bucket: String
    public var overTime: [Bucket]
}

public struct ClosedStudy: Codable, Sendable {
    public var status: String
    public var submitted: Int
}

public struct ContributionStatus: Codable, Sendable {
    public var study: String
    public var status: String
    public var cohorts: [String: String]
    public var latestSubmission: UInt32?
    public var receivedAt: Date?

    /// The number the next submission must carry.
    public var nextSubmission: UInt32 { (latestSubmission ?? 0) + 1 }
}

public struct SubmissionAcknowledgement: Codable, Sendable {
    public var submission: UInt32
    public var receivedAt: Date
    public var retry: Bool
}

/// The stages a compute party goes through, as it reports them to the service.
public struct StudyProgress: Codable, Sendable {
    public struct Party: Codable, Sendable {
        public var party: Int
        public var name: String
        /// `waiting` until the party first reports, then a ``ComputeStage``.
        public var stage: String
        public var done: Int?
        public var total: Int?
        public var updatedAt: Date?
    }
    public var parties: [Party]
    public var status: String
}

struct ProgressWire: Encodable {
    var stage: String
    var done: Int?
    var total: Int?
}

struct LinksRequest: Encodable {
    var participants: [String]
    var cohorts: [String: String]?
    var expiresAt: String?

    init(participants: [String], cohorts: [String: String], expiresAt: Date?) {
        self.participants = participants
        self.cohorts = cohorts.isEmpty ? nil : cohorts
        self.expiresAt = expiresAt?.formatted(.iso8601)
    }
}

struct LinksAnswer: Codable {
    var linked: Int
}

struct SessionWire: Codable {
    var party: Int
    var enc: String
    var ciphertext: String
}

struct ErrorWire: Codable {
    var error: String
    var problems: [String]?
}

struct PublishedStudyWire: Decodable {
    var definition: RawJSON
    var status: String
    var closedAt: Date?
}

/// A JSON value kept as its bytes, so the definition is read by `StudyDefinition`'s own decoder
/// with its own error messages.
struct RawJSON: Decodable {
    let data: Data

    init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(JSONValue.self)
        data = try JSONEncoder().encode(value)
    }
}

/// Any JSON value.
indirect enum JSONValue: Codable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null } else if let value = try? container.decode(Bool.self) { self = .bool(value) } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) { self = .string(value) } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

/// Times as the API writes them: ISO 8601, UTC, milliseconds.
enum ServiceTime {
    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: .iso8601)
    }
}

/// base64url without padding (RFC 4648 §5), as the API writes tokens and codes.
public enum Base64URL {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// A participation link as the analyst hands it out:
/// `<service>/contribute/<study>#<code>.<definition digest>`.
///
/// The fragment (never sent to a server) holds the participation code and, after a dot (which a
/// base64url code never contains), the 64 hexadecimal digits of the SHA-256 of the study
/// definition the analyst published (``DefinitionDigest``): the contributor's tools refuse to
/// encrypt to a definition the service serves if it does not hash to it.
public struct ParticipationLinkURL: Sendable, Equatable {
    public var serviceURL: String
    public var studyID: String
    public var code: String
    public var digest: DefinitionDigest

    public init(serviceURL: String, studyID: String, code: String, digest: DefinitionDigest) {
        self.serviceURL = serviceURL
        self.studyID = studyID
        self.code = code
        self.digest = digest
    }

    /// Reads a link; throws a plain message if it is not one.
    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let advice = "a participation link looks like https://service.example.org/contribute/<study>#<code>.<fingerprint>"
        guard let hash = trimmed.firstIndex(of: "#") else {
            throw ServiceError(status: nil, message: "the link has no participation code after \"#\"; \(advice)")
        }
        let fragment = trimmed[trimmed.index(after: hash)...]
        let address = String(trimmed[..<hash])
        guard let range = address.range(of: "/contribute/"), !fragment.isEmpty,
            address.hasPrefix("http://") || address.hasPrefix("https://")
        else {
            throw ServiceError(status: nil, message: "\"\(address)\" is not a participation link; \(advice)")
        }
        let study = String(address[range.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard !study.isEmpty, !study.contains("/") else {
            throw ServiceError(status: nil, message: "the link names no study; \(advice)")
        }
        guard let dot = fragment.lastIndex(of: "."), let digest = DefinitionDigest(hex: fragment[fragment.index(after: dot)...]),
            dot > fragment.startIndex
        else {
            throw ServiceError(
                status: nil,
                message: "this participation link does not carry the fingerprint of the study's definition, which "
                    + "links now carry so that your numbers are encrypted only for the study the analyst published; "
                    + "ask the study's analyst for a new link")
        }
        self.init(serviceURL: String(address[..<range.lowerBound]), studyID: study, code: String(fragment[..<dot]), digest: digest)
    }

    public var text: String { "\(serviceURL)/contribute/\(studyID)#\(code).\(digest.hex)" }
}
