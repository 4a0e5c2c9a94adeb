import Foundation
import Testing
@testable import CairnCommands

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `cairn serve` as a process: the line other tools parse, the operator token file, a clean stop.
@Suite("cairn serve", .serialized)
struct ServeCommandTests {
    /// Starts `cairn serve` on a free port; returns the process, the URL it printed and its error file.
    func start(data: URL) async throws -> (Process, String, URL) {
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let (process, out, err) = try PartyProcessTests.launch(
            ["serve", "--data", data.path, "--port", "0"], output: data.appendingPathComponent("serve"))
        for _ in 0..<300 {
            let text = PartyProcessTests.text(out)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on http://") }) {
                return (process, String(line.dropFirst("listening on ".count)), err)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        throw CancellationError()
    }

    func stop(_ process: Process, _ err: URL) {
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(PartyProcessTests.text(err))")
        #expect(PartyProcessTests.text(err).contains("study service stopped"))
    }

    @Test("prints where it listens, keeps its operator token private and reuses it, stops on SIGINT")
    func serve() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-serve-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }

        let (process, base, err) = try await start(data: data)
        #expect(base.hasPrefix("http://127.0.0.1:"))
        let (body, response) = try await URLSession.shared.data(from: try #require(URL(string: base + "/api/v1/health")))
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self) == #"{"status":"ok"}"#)
        stop(process, err)

        let tokenFile = data.appendingPathComponent("operator-token")
        let attributes = try FileManager.default.attributesOfItem(atPath: tokenFile.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let token = try String(contentsOf: tokenFile, encoding: .utf8)
        #expect(token.trimmingCharacters(in: .whitespacesAndNewlines).count == 43)
        #expect(PartyProcessTests.text(err).contains(tokenFile.path))
        #expect(!PartyProcessTests.text(err).contains(token.trimmingCharacters(in: .whitespacesAndNewlines)))

        let (again, _, errAgain) = try await start(data: data)
        stop(again, errAgain)
        #expect(try String(contentsOf: tokenFile, encoding: .utf8) == token)
    }
}
