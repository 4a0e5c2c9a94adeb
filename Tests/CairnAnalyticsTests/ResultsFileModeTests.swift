import CairnAnalytics
import Foundation
import Testing

/// The analyst's results are the analyst's alone: the folder `0700`, the files `0600`, even
/// when the folder existed with wider permissions (issue 10).
@Suite("Results report: file modes")
struct ResultsFileModeTests {
    static func mode(_ url: URL) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int) & 0o777
    }

    @Test func privateFolderAndFiles() throws {
        let folder = ResultsReportTests.temporaryFolder()
        defer { ResultsReportTests.remove(folder) }
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try ResultsReportTests.report.write(to: folder)
        #expect(try Self.mode(folder) == 0o700)
        for name in ["results.json", "results.csv", "report.html"] {
            #expect(try Self.mode(folder.appendingPathComponent(name)) == 0o600, "\(name)")
        }
    }
}
