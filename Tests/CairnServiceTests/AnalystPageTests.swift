import CairnStoreTesting
import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import CairnService

/// The analyst's pages as files: the examples they offer, and nothing the content security
/// policy would block. What they do in a browser is tested in Tests/Browser/test_analyst_pages.py.
@Suite("Web pages: the analyst's")
struct AnalystPageTests {
    static let web = TestStudy.packageRoot.appendingPathComponent("Sources/CairnService/Web")

    @Test("the examples the create page offers are byte for byte those of examples/", arguments: ["quickstart.json", "pay-equity.json"])
    func examplesAreCopies(name: String) throws {
        let original = try Data(contentsOf: TestStudy.packageRoot.appendingPathComponent("examples/\(name)"))
        let copy = try Data(contentsOf: Self.web.appendingPathComponent("assets/examples/\(name)"))
        #expect(copy == original, "copy examples/\(name) to Sources/CairnService/Web/assets/examples/ again")
    }

    @Test("the page, its modules and the examples are served")
    func served() async throws {
        try await Harness.run(.sqlite) { service in
            for (path, type) in [
                ("/assets/examples/quickstart.json", "application/json"),
                ("/assets/examples/pay-equity.json", "application/json"),
                ("/assets/css/analyst.css", "text/css; charset=utf-8"),
                ("/assets/js/analyst.js", "text/javascript; charset=utf-8"),
                ("/assets/js/analyst-ui.js", "text/javascript; charset=utf-8"),
                ("/assets/js/analyst-create.js", "text/javascript; charset=utf-8"),
                ("/assets/js/analyst-dashboard.js", "text/javascript; charset=utf-8"),
                ("/assets/js/analyst-chart.js", "text/javascript; charset=utf-8"),
            ] {
                let answer = try await service.request(.get, path)
                #expect(answer.status == .ok, "\(path)")
                #expect(answer.headers[.contentType] == type, "\(path)")
            }
        }
    }

    @Test("analyst.html has no inline script or style, which the content security policy would block")
    func noInlineCode() throws {
        let page = try String(contentsOf: Self.web.appendingPathComponent("analyst.html"), encoding: .utf8)
        #expect(page.contains("<script type=\"module\" src=\"/assets/js/analyst.js\"></script>"))
        #expect(page.contains("/assets/css/cairn.css") && page.contains("/assets/css/analyst.css"))
        #expect(!page.contains("<style"))
        #expect(!page.contains("style="))
        #expect(page.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "no inline event handlers")
        let scripts = page.components(separatedBy: "<script").dropFirst()
        #expect(scripts.allSatisfy { $0.hasPrefix(" type=\"module\" src=") })
    }
}
