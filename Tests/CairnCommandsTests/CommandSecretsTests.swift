import ArgumentParser
import Foundation
import Testing
@testable import CairnCommands

/// Secrets kept off command lines (issue 10): the PostgreSQL password of `cairn serve` and the
/// participation link of `cairn submit` come from a file or the environment.
@Suite("Secrets off command lines")
struct CommandSecretsTests {
    static func file(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-secret-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test("cairn serve: the database password from a file (first line), else CAIRN_DATABASE_PASSWORD")
    func databasePassword() throws {
        let file = try Self.file("s3cret pw\nignored\n")
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try ServeCommand.databasePassword(file: file.path, environment: ["CAIRN_DATABASE_PASSWORD": "env"]) == "s3cret pw")
        #expect(try ServeCommand.databasePassword(file: nil, environment: ["CAIRN_DATABASE_PASSWORD": "env"]) == "env")
        #expect(try ServeCommand.databasePassword(file: nil, environment: [:]) == nil)
        let empty = try Self.file("\n")
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: ValidationError.self) { try ServeCommand.databasePassword(file: empty.path, environment: [:]) }
        #expect(throws: ValidationError.self) { try ServeCommand.databasePassword(file: "/nonexistent/pw", environment: [:]) }
        // The flag parses, and needs --database.
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--database-password-file", file.path]) }
        _ = try ServeCommand.parse(["--database", "postgres://cairn@db/cairn", "--database-password-file", file.path])
    }

    @Test("cairn submit: the link from --link-file or CAIRN_LINK; without any, a plain message")
    func submitLink() throws {
        let link = "http://127.0.0.1:8080/contribute/s#code=abc"
        let file = try Self.file(link + "\n")
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try SubmitLinkSource.text(option: nil, file: file.path, environment: [:]) == link)
        #expect(try SubmitLinkSource.text(option: nil, file: nil, environment: ["CAIRN_LINK": link]) == link)
        #expect(try SubmitLinkSource.text(option: "x", file: nil, environment: ["CAIRN_LINK": link]) == "x")
        let error = #expect(throws: ValidationError.self) { try SubmitLinkSource.text(option: nil, file: nil, environment: [:]) }
        #expect(error?.message.contains("--link-file") == true)
        _ = try SubmitCommand.parse(["--link-file", file.path, "--template"])
        #expect(throws: (any Error).self) { try SubmitCommand.parse(["--link-file", file.path, "--link", link, "--template"]) }
    }

    @Test("cairn serve: idle timeout and connection cap options are checked")
    func connectionOptions() throws {
        let serve = try ServeCommand.parse(["--idle-timeout", "5", "--max-connections", "10"])
        #expect(serve.idleTimeout == 5 && serve.maxConnections == 10)
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--max-connections", "0"]) }
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--idle-timeout", "0"]) }
    }
}
