import AsyncHTTPClient
@testable import CairnStudy
import Foundation
import NIOCore
import NIOSSL
import Testing
@testable import CairnClient
@testable import CairnCommands

/// Errors a person can act on: why a file cannot be read, and why the service cannot be reached,
/// instead of "cannot read nosuch.csv" and "(connection reset (error set): Connection refused)".
@Suite("Plain errors: files and connections")
struct PlainErrorsTests {
    @Test("a file that is missing, a folder or not UTF-8 says so")
    func fileReasons() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("nosuch.csv").path
        #expect(throws: LocalFileError(path: missing, what: nil, reason: "there is no such file")) { try LocalFile.text(at: missing) }
        #expect(throws: LocalFileError(path: folder.path, what: "the study definition", reason: "it is a folder, not a file")) {
            try LocalFile.data(at: folder.path, what: "the study definition")
        }
        let latin1 = folder.appendingPathComponent("latin1.csv")
        try Data([0x63, 0x61, 0x66, 0xE9]).write(to: latin1)
        let error = #expect(throws: LocalFileError.self) { try LocalFile.text(at: latin1.path) }
        #expect(error?.description.hasPrefix("cannot read \(latin1.path): it is not UTF-8 text") == true)
        #expect((try? LocalFile.text(at: latin1.path.replacingOccurrences(of: "latin1", with: "x/y"))) == nil)
        let noFolder = #expect(throws: LocalFileError.self) { try LocalFile.text(at: folder.path + "/no/such.csv") }
        #expect(noFolder?.reason == "there is no such file (not even the folder \(folder.path)/no)")
    }

    @Test("a file this user may not read says permission denied", .enabled(if: getuid() != 0, "root reads every file"))
    func permissionDenied() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-unreadable-\(UUID().uuidString).csv")
        try Data("a,b".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: url.path)
        #expect(throws: LocalFileError(path: url.path, what: nil, reason: "permission denied: this user may not read it")) {
            try LocalFile.text(at: url.path)
        }
    }

    @Test("cairn submit names the missing file and why, before asking the service anything")
    func submitMissingFile() async throws {
        // The link's service does not exist: had the command asked it first, the error would be about the connection.
        let command = try SubmitCommand.parse(["--link", "http://127.0.0.1:1/contribute/s#abc." + String(repeating: "0", count: 64), "--file", "/nonexistent/nosuch.csv"])
        let error = await #expect(throws: LocalFileError.self) { try await command.run() }
        #expect(error?.description == "cannot read /nonexistent/nosuch.csv: there is no such file (not even the folder /nonexistent)")
    }

    @Test("nothing listening: the address, in plain words, and the likely fix")
    func refused() async throws {
        // Port 1 (tcpmux) is privileged and unused: a connection to it is refused at once.
        var client = ServiceClient(baseURL: "http://127.0.0.1:1")
        // The client retries a failed connection until the request's deadline, then reports the
        // last failure: a short deadline keeps the test short, whatever the outcome.
        client.timeout = .seconds(5)
        let error = await #expect(throws: ServiceError.self) { try await client.health() }
        #expect(error?.message == "could not connect to http://127.0.0.1:1: nothing is listening there — is `cairn serve` running, on that port?")
        #expect(error?.message.contains("errno") == false)
    }

    @Test("a name that does not exist: DNS, in plain words")
    func unknownHost() async throws {
        // .invalid is reserved (RFC 6761): no resolver knows such a name.
        var client = ServiceClient(baseURL: "http://no-such-host.invalid:8080")
        client.timeout = .seconds(5)
        let error = await #expect(throws: ServiceError.self) { try await client.health() }
        #expect(error?.message == "could not connect to http://no-such-host.invalid:8080: no computer named no-such-host.invalid "
            + "could be found (DNS); check the address in the link or --service")
    }

    @Test("an unreachable network, TLS, timeouts and closed connections each have their own words")
    func reasons() {
        let base = "https://cairn.example.org"
        func message(_ error: any Error) -> String { ConnectionFailure.message(for: error, baseURL: base, timeout: .seconds(60)) }
        #expect(message(IOError(errnoCode: ECONNREFUSED, reason: "connect")).hasSuffix("nothing is listening there — is `cairn serve` running, on that port?"))
        #expect(message(IOError(errnoCode: ENETUNREACH, reason: "connect")).hasSuffix("the network has no route to cairn.example.org; check the address, and this machine's network connection"))
        #expect(message(HTTPClientError.connectTimeout).hasSuffix("no answer to the connection attempt; check the address, and that no firewall is in the way"))
        #expect(message(NIOSSLError.uncleanShutdown).contains("the secure (TLS) connection could not be set up (uncleanShutdown); check that the address is right"))
        #expect(message(HTTPClientError.tlsHandshakeTimeout).contains("the secure (TLS) connection could not be set up (the handshake timed out)"))
        #expect(message(HTTPClientError.deadlineExceeded) == "the study service at https://cairn.example.org did not answer within 60 seconds; it may be overloaded: try again later")
        #expect(message(HTTPClientError.remoteConnectionClosed).hasPrefix("the study service at https://cairn.example.org closed the connection before answering"))
    }
}
