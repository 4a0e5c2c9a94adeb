import CairnService
import Foundation

/// The example study definitions, for commands whose default is `examples/<name>.json`.
enum StudyExamples {
    /// `path` itself when it exists; for `examples/<name>.json` run outside a checkout, the copy
    /// installed with the web pages (`assets/examples/`, kept identical to the repository's).
    static func resolve(_ path: String) -> String {
        guard !FileManager.default.fileExists(atPath: path), path.hasPrefix("examples/"),
            let web = try? WebAssets.locate()
        else { return path }
        let installed = web.root.appendingPathComponent("assets").appendingPathComponent(path).path
        return FileManager.default.fileExists(atPath: installed) ? installed : path
    }
}
