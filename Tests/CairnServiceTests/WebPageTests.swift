import CairnStoreTesting
import HTTPTypes
import Hummingbird
import Testing

@testable import CairnService

/// The browser pages and their assets: served from the web folder with a strict content
/// security policy, and nothing outside that folder.
@Suite("Web pages")
struct WebPageTests {
    @Test("the contributor's page for a study, a plain 404 page for a study that does not exist")
    func contributorPage() async throws {
        let study = try TestStudy.make()
        try await Harness.run(.sqlite) { service in
            _ = try await service.create(study)
            let page = try await service.request(.get, "/contribute/\(study.id)")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("unsafe-inline"))
            #expect(page.headers[.init("Referrer-Policy")!] == "no-referrer")
            #expect(page.text.contains("<script type=\"module\" src=\"/assets/js/contribute.js\""))

            let missing = try await service.request(.get, "/contribute/no-such-study")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "text/html; charset=utf-8")
            #expect(missing.text.contains("There is no study &quot;no-such-study&quot;"))
        }
    }

    @Test("pages and assets: the right media types; unknown files and escapes from the folder get 404")
    func assets() async throws {
        try await Harness.run(.sqlite) { service in
            for (path, type) in [
                ("/", "text/html; charset=utf-8"), ("/analyst", "text/html; charset=utf-8"),
                ("/analyst/some-study", "text/html; charset=utf-8"),
                ("/assets/js/submission.js", "text/javascript; charset=utf-8"),
                ("/assets/css/cairn.css", "text/css; charset=utf-8"),
            ] {
                let answer = try await service.request(.get, path)
                #expect(answer.status == .ok, "\(path)")
                #expect(answer.headers[.contentType] == type, "\(path)")
                #expect(answer.headers[.contentSecurityPolicy] != nil, "\(path)")
            }
            for path in [
                "/assets/js/nothing.js", "/assets/../contribute.html", "/assets/js/..%2F..%2Findex.html",
                "/assets/.hidden", "/assets/", "/assets/js/%00.js",
            ] {
                let answer = try await service.request(.get, path)
                #expect(answer.status == .notFound, "\(path)")
            }
        }
    }

    @Test("asset paths outside the web folder are refused before the file system is asked")
    func pathsAreChecked() throws {
        let web = try WebAssets.locate()
        #expect(web.file("contribute.html") != nil)
        #expect(web.file("assets/js/submission.js") != nil)
        for path in ["../Package.swift", "assets/../../WebAssets.swift", "/etc/passwd", "assets//js", "", ".", "assets/js/"] {
            #expect(web.file(path) == nil, "\(path)")
        }
    }
}
