import CairnStudy
import Foundation
import Hummingbird

/// Cross-origin access (CORS) for a contributor's page hosted somewhere other than the service,
/// such as the analyst's own web site (`docs/DEPLOYMENT.md`).
///
/// Only the study's contributor routes (``contributorRoutes``) take part, and only for the origins
/// the study's definition names in `pageOrigins`: the page those origins serve may read the study,
/// and read and send the contributor's own contribution, nothing else. Answers carry the
/// requesting origin itself, never `*`, and `Vary: Origin` so that no cache hands one origin's
/// answer to another. Every other route, and every other origin, stays same-origin: browsers
/// refuse the page the answer. Nothing here is a credential: the participation code still travels
/// as a bearer token (never a cookie), so `Access-Control-Allow-Credentials` is not sent.
struct PageOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    let service: StudyService

    /// The contributor's routes under `/api/v1/studies/{study}`, by what follows the study ID
    /// (`""`: the study itself), with the methods a page from elsewhere may use.
    static var contributorRoutes: [String: [HTTPRequest.Method]] {
        ["": [.get], "/definition": [.get], "/contribution": [.get, .put]]
    }

    /// The request headers the page sends.
    static var allowedHeaders: String { "Authorization, Content-Type, Idempotency-Key" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let (studyID, methods) = Self.contributorRoute(request.uri.path) else {
            return try await next(request, context)
        }
        let origin = request.headers[.origin]
        let allowed: Bool
        if let origin { allowed = await service.pageOrigins(studyID: studyID).contains(origin) } else { allowed = false }

        if request.method == .options {
            guard allowed, let origin, let wanted = request.headers[.accessControlRequestMethod],
                methods.map(\.rawValue).contains(wanted)
            else {
                return Reply.json(
                    Reply.ErrorBody(error: "this study's contributor page may not be used from this origin"),
                    status: .forbidden, headers: [.vary: "Origin"])
            }
            return Response(
                status: .noContent,
                headers: [
                    .accessControlAllowOrigin: origin, .accessControlAllowMethods: methods.map(\.rawValue).joined(separator: ", "),
                    .accessControlAllowHeaders: Self.allowedHeaders, .accessControlMaxAge: "600", .vary: "Origin",
                ])
        }

        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // Refusals (401, 410, 429, …) must reach the page too, so that it can say why.
            response = Reply.error(error, logger: service.logger)
        }
        response.headers[.vary] = "Origin"
        if allowed, let origin {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlExposeHeaders] = "Retry-After"
        }
        return response
    }

    /// The study ID and the allowed methods when `path` is one of ``contributorRoutes``.
    static func contributorRoute(_ path: String) -> (studyID: String, methods: [HTTPRequest.Method])? {
        let prefix = "/api/v1/studies/"
        guard path.hasPrefix(prefix) else { return nil }
        let rest = path.dropFirst(prefix.count)
        let id = rest.prefix { $0 != "/" }
        guard !id.isEmpty, let methods = contributorRoutes[String(rest.dropFirst(id.count))] else { return nil }
        return (String(id), methods)
    }
}

extension StudyService {
    /// The origins `studyID`'s definition allows to host its contributor's page; none for a study
    /// that does not exist.
    func pageOrigins(studyID: String) async -> [String] {
        guard (1...SubmissionReference.maximumStudyIDByteCount).contains(studyID.utf8.count),
            let record = try? await store.study(id: studyID),
            let facts = try? await facts(record)
        else { return [] }
        return facts.definition.pageOrigins ?? []
    }
}
