import CairnStudy
import Crypto
import Foundation

// Publishing the pages: their SHA-256 digests, so that anyone can check what a host serves, and a
// copy for a static host other than the study service (docs/DEPLOYMENT.md).

extension WebAssets {
    /// The relative path of every file of the web folder (no hidden files), in byte order.
    public func filePaths() throws -> [String] {
        var paths: [String] = []
        let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        while let url = enumerator?.nextObject() as? URL {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            paths.append(String(url.standardizedFileURL.path.dropFirst(root.path.count + 1)))
        }
        return paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// `sha256  path` for every file of the web folder, one a line in byte order of the paths:
    /// the format of `sha256sum`, so that `sha256sum -c` checks a host's copy against it.
    public func digestList() throws -> String {
        try filePaths().map { path in
            let bytes = try Data(contentsOf: root.appendingPathComponent(path))
            return SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() + "  " + path + "\n"
        }.joined()
    }

    /// The name of the file that tells pages on a static host where the study service is
    /// (`assets/js/service-base.js` reads it).
    public static let serviceFileName = "service.json"

    /// Writes a copy of the web folder into `folder`, ready for a static host: every file as it
    /// is (so the published digests still match), `service.json` naming `service` (the study
    /// service's origin, `https://…`), and for each of `studies` the contributor's page again as
    /// `contribute/<study>/index.html`, where participation links point.
    public func export(to folder: URL, service: String, studies: [String]) throws {
        if let problem = StudyDefinition.pageOriginProblem(service) {
            throw WebAssetsError(message: "--service " + problem.replacingOccurrences(of: "names ", with: "is "))
        }
        for study in studies where !Self.isStudyID(study) {
            throw WebAssetsError(message: "\"\(study)\" is not a study ID (letters, digits, - and _)")
        }
        let manager = FileManager.default
        if manager.fileExists(atPath: folder.path),
            !(try manager.contentsOfDirectory(atPath: folder.path)).isEmpty
        {
            throw WebAssetsError(message: "\(folder.path) is not empty; export into a new or empty folder")
        }
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        for path in try filePaths() {
            let target = folder.appendingPathComponent(path)
            try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try manager.copyItem(at: root.appendingPathComponent(path), to: target)
        }
        let page = try Data(contentsOf: root.appendingPathComponent("contribute.html"))
        for study in studies {
            let target = folder.appendingPathComponent("contribute/\(study)/index.html")
            try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try page.write(to: target)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try (encoder.encode(["service": service]) + Data("\n".utf8))
            .write(to: folder.appendingPathComponent(Self.serviceFileName))
    }

    private static func isStudyID(_ text: String) -> Bool {
        (1...SubmissionReference.maximumStudyIDByteCount).contains(text.utf8.count)
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}
