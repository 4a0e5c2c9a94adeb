import Foundation

/// The browser pages and their scripts and styles (`Sources/CairnService/Web`), served by the
/// study service itself: plain HTML, CSS and JavaScript modules, nothing loaded from elsewhere.
///
/// SwiftPM copies the folder next to the executable (`Cairn_CairnService.resources/Web`).
/// ``locate()`` finds it there, or at `$CAIRN_WEB_ROOT`; a deployment that installs the `cairn`
/// binary elsewhere copies that folder with it. With `reloading`, every request reads the file
/// again, so that editing a page needs no restart (`cairn serve --web-root`).
public struct WebAssets: Sendable {
    /// The folder holding `contribute.html`, `analyst.html` and `assets/`.
    public let root: URL
    let reloading: Bool
    private let files: [String: [UInt8]]

    /// The assets in `root`, read now, or on every request when `reloading`.
    public init(root: URL, reloading: Bool = false) throws {
        self.root = root.standardizedFileURL
        self.reloading = reloading
        guard FileManager.default.fileExists(atPath: self.root.appendingPathComponent("contribute.html").path) else {
            throw WebAssetsError(message: "\(self.root.path) holds no contribute.html: it is not Cairn's web folder")
        }
        var files: [String: [UInt8]] = [:]
        if !reloading {
            let enumerator = FileManager.default.enumerator(at: self.root, includingPropertiesForKeys: [.isRegularFileKey])
            while let url = enumerator?.nextObject() as? URL {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                let relative = String(url.standardizedFileURL.path.dropFirst(self.root.path.count + 1))
                files[relative] = Array(try Data(contentsOf: url))
            }
        }
        self.files = files
    }

    /// The web folder of this installation: `$CAIRN_WEB_ROOT`, else the one SwiftPM copied next to
    /// the executable, else the source tree's (a build run from a checkout).
    public static func locate() throws -> WebAssets {
        if let override = ProcessInfo.processInfo.environment["CAIRN_WEB_ROOT"], !override.isEmpty {
            return try WebAssets(root: URL(fileURLWithPath: override), reloading: true)
        }
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("Cairn_CairnService.resources/Web"),
            Bundle.main.bundleURL.appendingPathComponent("Cairn_CairnService.resources/Contents/Resources/Web"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Web"),
        ]
        for candidate in candidates
        where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("contribute.html").path) {
            return try WebAssets(root: candidate)
        }
        throw WebAssetsError(
            message: "cannot find Cairn's web pages (Cairn_CairnService.resources next to the cairn executable); "
                + "copy that folder with the executable, or point CAIRN_WEB_ROOT or --web-root at Sources/CairnService/Web")
    }

    /// The bytes of `path` (relative to the root, for example `assets/js/grid.js`), or `nil` when
    /// there is no such file. Paths that climb out of the root are refused.
    func file(_ path: String) -> [UInt8]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.isEmpty,
            parts.allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") && $0.allSatisfy(Self.isSafe) })
        else { return nil }
        if !reloading { return files[path] }
        return (try? Data(contentsOf: root.appendingPathComponent(path))).map(Array.init)
    }

    private static func isSafe(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "-_.".contains(character))
    }

    /// The media type for a file name's extension.
    static func contentType(of path: String) -> String {
        switch path.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "json": "application/json"
        case "yaml": "application/yaml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        default: "application/octet-stream"
        }
    }
}

/// The web folder is missing or is not Cairn's.
public struct WebAssetsError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
