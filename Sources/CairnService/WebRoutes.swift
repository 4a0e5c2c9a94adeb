import Foundation
import Hummingbird

// The browser pages: the contributor's page, the analyst's pages and their assets.

extension StudyService {
    /// What every page and asset is sent with: scripts, styles and connections only from this
    /// service (no CDN, no inline script), no framing, no referrer (a participation code lives in
    /// the page's fragment, and nothing should carry the page's address elsewhere).
    static let pageHeaders: HTTPFields = [
        .contentSecurityPolicy:
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        .init("Referrer-Policy")!: "no-referrer",
        .init("X-Content-Type-Options")!: "nosniff",
        .cacheControl: "no-cache",
    ]

    /// A handler answering the page `name` of the web folder.
    func page(_ name: String) -> Handler {
        { _, _ in try self.webFile(name) }
    }

    /// `GET /contribute/{study}`: the contributor's page, for a study that exists.
    func contributorPage(_ request: Request, _ context: Context) async throws -> Response {
        do {
            _ = try await study(context)
        } catch let error as ServiceError where error.status == .notFound {
            return Reply.bytes(
                Array(Self.messagePage(title: "No such study", message: error.message.prefix(1).uppercased() + error.message.dropFirst()
                    + ". Check that the address is the whole participation link you were sent.").utf8),
                status: .notFound, contentType: "text/html; charset=utf-8", headers: Self.pageHeaders)
        }
        return try webFile("contribute.html")
    }

    /// `GET /assets/**`: scripts, styles and images.
    func asset(_ request: Request, _ context: Context) async throws -> Response {
        let path = "assets/" + context.parameters.getCatchAll().joined(separator: "/")
        return try webFile(path)
    }

    private func webFile(_ path: String) throws -> Response {
        guard let web else {
            throw ServiceError(
                .serviceUnavailable, "this service was started without its web pages; the API works, the pages do not")
        }
        guard let bytes = web.file(path) else {
            throw ServiceError(.notFound, "there is no such page or file")
        }
        return Reply.bytes(bytes, contentType: WebAssets.contentType(of: path), headers: Self.pageHeaders)
    }

    /// A small page with a title and one message, for addresses the pages cannot serve.
    static func messagePage(title: String, message: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(html(title)) – Cairn</title>
        <link rel="stylesheet" href="/assets/css/cairn.css">
        </head>
        <body>
        <main class="narrow">
        <h1>\(html(title))</h1>
        <p>\(html(message))</p>
        </main>
        </body>
        </html>

        """
    }
}
