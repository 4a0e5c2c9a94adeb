import Foundation
import Testing
@testable import CairnStudy

/// `pageOrigins`: the web origins allowed to host a study's contributor page (CORS).
@Suite("The origins that may host the contributor's page")
struct PageOriginsTests {
    @Test(
        "https origins, and http://localhost or 127.0.0.1 for tests, are accepted",
        arguments: ["https://analyst.example.org", "https://analyst.example.org:8443", "http://localhost:8000",
                    "http://127.0.0.1:51234", "http://localhost", "https://[::1]:8443"])
    func accepted(_ origin: String) throws {
        var study = try Fixtures.quickstart()
        study.pageOrigins = [origin]
        #expect(study.validate().isEmpty, "got: \(study.validate().descriptions)")
    }

    @Test(
        "anything that is not an origin a browser would send is refused with a plain message",
        arguments: [
            ("http://analyst.example.org", "browsers allow only on https:// pages"),
            ("https://analyst.example.org/", "with no path"),
            ("https://analyst.example.org/contribute", "with no path"),
            ("https://Analyst.example.org", "in lower case"),
            ("*", "is not an https:// origin"),
            ("null", "is not an https:// origin"),
            ("analyst.example.org", "is not an https:// origin"),
            ("https://", "with no path"),
            ("https://analyst.example.org:0", "port is not a number from 1 to 65535"),
            ("https://analyst.example.org:99999", "port is not a number from 1 to 65535"),
            ("https://user@analyst.example.org", "no path (not even a final \"/\"), query or user name"),
            ("https://.example.org", "has no valid host"),
        ])
    func refused(_ origin: String, _ expected: String) throws {
        var study = try Fixtures.quickstart()
        study.pageOrigins = [origin]
        let problems = study.validate()
        #expect(problems.mentions("field \"pageOrigins\": names \""), "got: \(problems.descriptions)")
        #expect(problems.mentions(expected), "got: \(problems.descriptions)")
    }

    @Test("an origin named twice is refused; the field is read from and written to JSON")
    func roundTrip() throws {
        var study = try Fixtures.quickstart()
        study.pageOrigins = ["https://a.example.org", "https://a.example.org"]
        #expect(study.validate().mentions("field \"pageOrigins\": names an origin more than once"))
        study.pageOrigins = ["https://a.example.org", "http://localhost:8000"]
        let loaded = try StudyDefinition.load(from: try study.jsonData())
        #expect(loaded.pageOrigins == ["https://a.example.org", "http://localhost:8000"])
        #expect(try Fixtures.quickstart().pageOrigins == nil)
    }
}
