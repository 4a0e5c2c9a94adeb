import CairnStore
import CairnStudy
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore

/// The study service (`cairn serve`): the HTTP API of `docs/API.md` over a ``StudyStore``.
///
/// Build the routes with ``router()`` (tests send requests to it without sockets) or a runnable
/// server with ``application(host:port:onListening:)`` and ``run(host:port:onListening:)``.
/// The service sees envelopes, never plaintext shares: it checks their shape and stores them,
/// and hands each compute party its own share once the study is closed.
///
/// Everything kept in memory (party session tokens, the parties' progress, rate-limit buckets,
/// recently verified analyst credentials) belongs to one instance: build one service per process.
public struct StudyService: Sendable {
    let store: any StudyStore
    let configuration: ServiceConfiguration
    let logger: Logger
    let facts = StudyFactsCache()
    let sessionTokens = PartySessionTokens()
    let progress = PartyProgress()
    let credentials: CredentialCache
    let contributionLimiter: RateLimiter<ParticipantTag>
    let unknownCodeLimiter: RateLimiter<String>
    let analystCheckLimiter: RateLimiter<String>
    let web: WebAssets?

    /// A service over `store`. Without a logger, it logs to standard error. `web` holds the
    /// browser pages; by default those of this installation (``WebAssets/locate()``), and without
    /// them the pages answer 503 while the API works.
    public init(
        store: any StudyStore, configuration: ServiceConfiguration, logger: Logger? = nil,
        web: WebAssets? = try? WebAssets.locate()
    ) {
        self.store = store
        self.web = web
        self.configuration = configuration
        self.logger = logger ?? Logger(label: "cairn.serve", factory: { StreamLogHandler.standardError(label: $0) })
        credentials = CredentialCache(lifetime: configuration.credentialCacheLifetime)
        contributionLimiter = RateLimiter(configuration.contributionRate)
        unknownCodeLimiter = RateLimiter(configuration.unknownCodeRate)
        analystCheckLimiter = RateLimiter(configuration.analystCheckRate)
    }

    typealias Context = ServiceRequestContext
    typealias Handler = @Sendable (Request, Context) async throws -> Response

    /// An address of the service (Hummingbird's syntax: `:name` for a parameter) and the
    /// handler of each method it answers.
    typealias Endpoint = (path: String, handlers: [HTTPRequest.Method: Handler])

    /// Every endpoint of `docs/API.md`, and the contributor's page.
    public func router() -> Router<ServiceRequestContext> {
        let router = Router(context: Context.self)
        router.add(middleware: ServiceMiddleware(logger: logger))
        router.add(middleware: ClientAddressMiddleware())
        router.add(middleware: PageOriginMiddleware(service: self))
        for (path, handlers) in endpoints() {
            for (method, handler) in handlers {
                router.on(RouterPath(path), method: method) { request, context in try await handler(request, context) }
            }
            // Hummingbird answers a known address with an unknown method 404; say 405 instead.
            let allowed = handlers.keys.map(\.rawValue).sorted().joined(separator: ", ")
            for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch] where handlers[method] == nil {
                router.on(RouterPath(path), method: method) { request, _ -> Response in
                    throw ServiceError(
                        .methodNotAllowed, "\(request.method.rawValue) is not allowed here; use \(allowed)",
                        headers: [.allow: allowed])
                }
            }
        }
        return router
    }

    /// The one list of the service's addresses: the router answers these, and every one under
    /// `/api/v1` is described in `docs/openapi.yaml` (a test checks the two agree).
    func endpoints() -> [Endpoint] {
        [
            ("/api/v1/health", [.get: { _, _ in Reply.json(["status": "ok"]) }]),
            ("/api/v1/openapi.yaml", [.get: page("openapi.yaml")]),
            ("/api/v1/studies", [.post: createStudy]),
            ("/api/v1/studies/:study", [.get: getStudy]),
            ("/api/v1/studies/:study/definition", [.get: getDefinition]),
            ("/api/v1/studies/:study/links", [.post: createLinks]),
            ("/api/v1/studies/:study/participation", [.get: participation]),
            ("/api/v1/studies/:study/close", [.post: closeStudy]),
            ("/api/v1/studies/:study/progress", [.get: studyProgress]),
            ("/api/v1/studies/:study/contribution", [.get: getContribution, .put: putContribution]),
            ("/api/v1/studies/:study/parties/:party/session", [.post: partySession]),
            ("/api/v1/studies/:study/parties/:party/shares", [.get: partyShares]),
            ("/api/v1/studies/:study/parties/:party/progress", [.post: reportProgress]),
            ("/", [.get: page("index.html")]),
            // The pages ask their host where the API is; here, on this origin (service-base.js).
            ("/service.json", [.get: { _, _ in Reply.json([String: String](), headers: Self.pageHeaders) }]),
            ("/contribute/:study", [.get: contributorPage]),
            ("/analyst", [.get: page("analyst.html")]),
            ("/analyst/:study", [.get: page("analyst.html")]),
            ("/assets/**", [.get: asset]),
        ]
    }

    /// A server for the service on `host` and `port` (`0`: a free port), speaking HTTPS when `tls`
    /// is given. `onListening` is called with the host and the bound port once the server accepts
    /// connections.
    public func application(
        host: String, port: Int, tls: TLSConfiguration? = nil,
        onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
    ) throws -> some ApplicationProtocol {
        let http1 = HTTPServerBuilder.http1(
            configuration: HTTP1Channel.Configuration(idleTimeout: TimeAmount(configuration.idleTimeout)))
        return Application(
            router: router(),
            server: try tls.map { try .tls(http1, tlsConfiguration: $0) } ?? http1,
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port), serverName: "cairn",
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maximumConnections)),
            onServerRunning: { channel in await onListening(host, channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Runs the server until SIGINT or SIGTERM, then shuts it down gracefully.
    public func run(
        host: String, port: Int, tls: TLSConfiguration? = nil,
        onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
    ) async throws {
        try await application(host: host, port: port, tls: tls, onListening: onListening).runService()
    }

    var now: Date { configuration.now() }
}

// MARK: - Shared steps of the handlers

extension StudyService {
    /// The study named in the path; `404` if there is none.
    func study(_ context: Context) async throws -> StudyRecord {
        let id = context.parameters.get("study") ?? ""
        guard (1...SubmissionReference.maximumStudyIDByteCount).contains(id.utf8.count),
            let record = try await store.study(id: id)
        else {
            let named = id.count <= 64 && id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            throw ServiceError(.notFound, named ? "there is no study \"\(id)\"" : "there is no such study")
        }
        return record
    }

    func facts(_ record: StudyRecord) async throws -> StudyFacts {
        try await facts.facts(studyID: record.id, definition: record.definition)
    }

    /// The request body, at most `limit` bytes; `413` beyond.
    func body(_ request: Request, limit: Int) async throws -> Data {
        let tooLarge = ServiceError(.contentTooLarge, "the request body is larger than the \(limit) bytes allowed here")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge }
        do {
            return Data(try await request.body.collect(upTo: limit).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
    }

    /// `401` unless the request carries the operator token.
    func requireOperator(_ request: Request) throws {
        guard let token = Secrets.bearer(request),
            Secrets.constantTimeEqual(Array(token.utf8), Array(configuration.operatorToken.utf8))
        else {
            throw ServiceError(.unauthorized, "this request needs the service's operator token")
        }
    }

    /// `401` unless the request carries the study's analyst credential.
    func requireAnalyst(_ request: Request, _ record: StudyRecord) async throws {
        let refused = ServiceError(.unauthorized, "this request needs the study's analyst credential")
        guard let credential = Secrets.bearer(request), AnalystCredential.isWellFormed(credential) else { throw refused }
        guard AnalystCredential.isSlow(record.analystCredentialHash) else {
            guard await AnalystCredential.verify(credential, against: record.analystCredentialHash) else { throw refused }
            return
        }
        // A credential stored before issue 10: each check is a scrypt run, limited per client
        // address so that strangers slow only themselves.
        let key = Secrets.digest(Substring(record.id + "\u{0}" + credential))
        let time = now
        if await credentials.contains(key, now: time) { return }
        if let wait = await analystCheckLimiter.take(record.id + "\u{0}" + ClientAddress.current, now: time) {
            throw Self.tooManyRequests(wait, "too many analyst credential checks for this study")
        }
        guard await AnalystCredential.verify(credential, against: record.analystCredentialHash) else { throw refused }
        await credentials.insert(key, now: time)
    }

    /// The contributor's participation link, from the code in the request; `401` for a missing,
    /// malformed or unknown code, `429` beyond the contributor's rate limit or when the client
    /// address has sent too many unknown codes (``ServiceConfiguration/unknownCodeRate``).
    func requireParticipant(_ request: Request, _ record: StudyRecord) async throws -> ParticipationLink {
        let client = ClientAddress.current
        if let wait = await unknownCodeLimiter.wait(client, now: now) {
            throw Self.tooManyRequests(wait, "too many requests with unknown participation links from this address")
        }
        guard let code = Secrets.bearer(request), Secrets.isBase64url(code, count: ParticipationCode.length),
            let link = try await store.participant(
                studyID: record.id, tag: ParticipantTag(studyID: record.id, participationCode: String(code)))
        else {
            _ = await unknownCodeLimiter.take(client, now: now)
            throw ServiceError(.unauthorized, "this participation link is not valid for this study")
        }
        if let expiresAt = link.expiresAt, now >= expiresAt {
            throw ServiceError(
                .gone,
                "this participation link expired on \(Reply.time(expiresAt)); ask the study's analyst for a new one")
        }
        if let wait = await contributionLimiter.take(link.participant, now: now) {
            throw Self.tooManyRequests(wait, "too many requests from this participation link")
        }
        return link
    }

    static func tooManyRequests(_ seconds: Int, _ what: String) -> ServiceError {
        ServiceError(
            .tooManyRequests, "\(what); try again in \(seconds) second\(seconds == 1 ? "" : "s")",
            headers: [.retryAfter: String(seconds)])
    }

}
