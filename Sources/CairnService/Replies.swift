import Foundation
import Hummingbird
import Logging
import NIOCore

/// A refusal with a plain-language message, answered as `{"error": "…"}` (and `"problems"` when a
/// study definition is refused). Messages never contain a code, credential, token or ciphertext.
struct ServiceError: Error, CustomStringConvertible {
    var status: HTTPResponse.Status
    var message: String
    var problems: [String]?
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, problems: [String]? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.problems = problems
        self.headers = headers
    }

    var description: String { "\(status.code): \(message)" }
}

/// Response bodies.
enum Reply {
    /// `value` as canonical JSON: keys sorted, no white space, slashes not escaped.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding the service's own response types cannot fail.
        return bytes(try! encoder.encode(value), status: status, contentType: "application/json", headers: headers)
    }

    static func bytes(
        _ bytes: some Sequence<UInt8>, status: HTTPResponse.Status = .ok, contentType: String, headers: HTTPFields = [:]
    ) -> Response {
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: buffer))
    }

    /// ISO 8601 in UTC with milliseconds, for example `2026-11-21T14:05:00.123Z`.
    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// An ISO 8601 time with or without fractional seconds; `nil` otherwise.
    static func parseTime(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
    }

    struct ErrorBody: Encodable {
        var error: String
        var problems: [String]?
    }

    /// The JSON answer to any error a request ended with.
    static func error(_ error: any Error, logger: Logger) -> Response {
        switch error {
        case let error as ServiceError:
            return json(ErrorBody(error: error.message, problems: error.problems), status: error.status, headers: error.headers)
        case let error as any HTTPResponseError:
            // Hummingbird's own refusals (an unknown address, a body too large): its messages
            // name no secret, but the same plain wording is used for every one of a kind.
            let message =
                switch error.status {
                case .notFound: "there is nothing at this address; the API is described in docs/API.md"
                case .contentTooLarge: "the request body is too large"
                case .methodNotAllowed: "this method is not allowed at this address"
                default: "the request was refused (\(error.status.code) \(error.status.reasonPhrase.lowercased()))"
                }
            return json(ErrorBody(error: message), status: error.status)
        default:
            logger.error("request failed: \(String(reflecting: type(of: error))): \(error)")
            return json(ErrorBody(error: "the service failed to handle the request; try again later"), status: .internalServerError)
        }
    }
}

/// Answers every error as JSON and writes one log line per request: method, path without the
/// query, status and milliseconds. Never logs headers or bodies.
struct ServiceMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = Reply.error(error, logger: logger)
        }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info(
            "\(request.method.rawValue) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", milliseconds)) ms")
        return response
    }
}

extension HTTPFields {
    /// The field named `name` (a registered name, or one of the API's own such as `Idempotency-Key`).
    subscript(named name: String) -> String? {
        get { self[.init(name)!] }
        set { self[.init(name)!] = newValue }
    }
}
