import ArgumentParser
import CairnNetwork
import Foundation
import Testing
@testable import CairnCommands

@Suite("cairn keys")
struct KeysCommandTests {
    func temporaryFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cairn-keys-\(UUID().uuidString)").path
    }

    func run(_ arguments: [String]) async throws {
        var command = try CairnCommand.parseAsRoot(arguments)
        if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
    }

    @Test("generate writes a private key only its owner can read, and a certificate")
    func generate() async throws {
        let folder = temporaryFolder()
        try await run(["keys", "generate", "--party", "2", "--output", folder])
        let key = folder + "/party2.key.pem", certificate = folder + "/party2.cert.pem"
        let permissions = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        #expect(try String(contentsOfFile: key, encoding: .utf8).contains("PRIVATE KEY"))
        #expect(try PartyIdentity.fingerprint(ofCertificatePEM: String(contentsOfFile: certificate, encoding: .utf8)).count == 95)
        // A second run refuses to overwrite, and --force replaces.
        let before = try String(contentsOfFile: key, encoding: .utf8)
        await #expect(throws: (any Error).self) { try await run(["keys", "generate", "--party", "2", "--output", folder]) }
        #expect(try String(contentsOfFile: key, encoding: .utf8) == before)
        try await run(["keys", "generate", "--party", "2", "--output", folder, "--force"])
        #expect(try String(contentsOfFile: key, encoding: .utf8) != before)
    }

    @Test("generate refuses a party number other than 1, 2 or 3")
    func badParty() {
        #expect(throws: (any Error).self) { try CairnCommand.parseAsRoot(["keys", "generate", "--party", "4"]) }
    }

    @Test("local writes three configurations that load and pin each other's certificates")
    func local() async throws {
        let folder = temporaryFolder()
        try await run(["keys", "local", "--output", folder])
        let configurations = try (1...3).map { try PartyConfiguration.load(from: "\(folder)/party\($0).json") }
        for configuration in configurations {
            for peer in configuration.peers {
                #expect(peer.certificatePEM == configurations[peer.party.rawValue].certificatePEM)
                #expect(peer.port == configurations[peer.party.rawValue].listenPort)
            }
        }
        await #expect(throws: (any Error).self) { try await run(["keys", "local", "--output", folder]) }
    }
}
