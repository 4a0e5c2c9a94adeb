import Crypto
import Foundation
import Testing

@testable import CairnService

/// `cairn web digests` and `cairn web export`: what anyone can check a host's copy against.
@Suite("Publishing the web pages")
struct WebPublishingTests {
    static func hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    @Test("the digest list has one sha256sum line per file of the web folder, sorted, each matching the file")
    func digests() throws {
        let web = try WebAssets.locate()
        let lines = try web.digestList().split(separator: "\n").map(String.init)
        let paths = lines.map { String($0.dropFirst(66)) }
        #expect(paths.contains("contribute.html") && paths.contains("assets/js/api.js") && paths.contains("openapi.yaml"))
        #expect(paths == paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        var onDisk: [String] = []
        let enumerator = FileManager.default.enumerator(at: web.root, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])
        while let url = enumerator?.nextObject() as? URL {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            onDisk.append(String(url.standardizedFileURL.path.dropFirst(web.root.path.count + 1)))
        }
        #expect(Set(paths) == Set(onDisk))
        for line in lines {
            let digest = String(line.prefix(64)), separator = line.dropFirst(64).prefix(2), path = String(line.dropFirst(66))
            #expect(separator == "  ")
            #expect(digest == Self.hex(try Data(contentsOf: web.root.appendingPathComponent(path))), "\(path)")
        }
    }

    @Test("a changed file changes its line")
    func changedFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-web-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try WebAssets.locate()
        try source.export(to: folder, service: "https://cairn.example.org", studies: [])
        let before = try WebAssets(root: folder).digestList()
        let script = folder.appendingPathComponent("assets/js/submission.js")
        try (try Data(contentsOf: script) + Data("\n// keep a copy\n".utf8)).write(to: script)
        let after = try WebAssets(root: folder).digestList()
        let changed = zip(before.split(separator: "\n"), after.split(separator: "\n")).filter { $0 != $1 }
        #expect(changed.count == 1 && changed.first?.1.hasSuffix("  assets/js/submission.js") == true)
    }

    @Test("an export copies every file unchanged, names the service, and puts the page where links point")
    func export() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-web-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try WebAssets.locate()
        try source.export(to: folder, service: "https://cairn.example.org", studies: ["quickstart"])
        for line in try source.digestList().split(separator: "\n") {
            let path = String(line.dropFirst(66))
            #expect(Self.hex(try Data(contentsOf: folder.appendingPathComponent(path))) == String(line.prefix(64)), "\(path)")
        }
        #expect(
            try Data(contentsOf: folder.appendingPathComponent("contribute/quickstart/index.html"))
                == Data(contentsOf: source.root.appendingPathComponent("contribute.html")))
        #expect(
            try String(contentsOf: folder.appendingPathComponent("service.json"), encoding: .utf8)
                == "{\"service\":\"https://cairn.example.org\"}\n")

        #expect(throws: WebAssetsError.self) {
            try source.export(to: folder, service: "https://cairn.example.org", studies: [])  // not empty
        }
        for service in ["http://cairn.example.org", "https://cairn.example.org/api", "cairn.example.org"] {
            #expect(throws: WebAssetsError.self, "\(service)") {
                try source.export(to: folder.appendingPathComponent("other"), service: service, studies: [])
            }
        }
    }
}
