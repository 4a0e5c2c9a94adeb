import CairnMPC
import Foundation
import Testing
@testable import CairnNetwork

@Suite("Party configuration files")
struct ConfigurationTests {
    /// A folder with three identities' files.
    func folderWithIdentities() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for party in 1...3 {
            let identity = try PartyIdentity.generate(name: "party \(party)")
            try identity.certificatePEM.write(to: folder.appendingPathComponent("party\(party).cert.pem"), atomically: true, encoding: .utf8)
            try identity.privateKeyPEM.write(to: folder.appendingPathComponent("party\(party).key.pem"), atomically: true, encoding: .utf8)
        }
        return folder
    }

    func write(_ json: String, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("party.json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    let valid = """
        {"party": 2, "listen": "127.0.0.1:7102", "certificate": "party2.cert.pem", "privateKey": "party2.key.pem",
         "peers": [{"party": 3, "address": "[::1]:7103", "certificate": "party3.cert.pem"},
                   {"party": 1, "address": "localhost:7101", "certificate": "party1.cert.pem"}],
         "receiveTimeoutSeconds": 5}
        """

    @Test("a valid file loads with paths relative to its folder")
    func loads() throws {
        let folder = try folderWithIdentities()
        let configuration = try PartyConfiguration.load(from: try write(valid, in: folder))
        #expect(configuration.party == .one)
        #expect(configuration.listenHost == "127.0.0.1" && configuration.listenPort == 7102)
        #expect(configuration.peers.map(\.party) == [.zero, .two])
        #expect(configuration.peers[1].host == "::1" && configuration.peers[1].port == 7103)
        #expect(configuration.receiveTimeout == .seconds(5) && configuration.connectTimeout == .seconds(60))
        #expect(configuration.privateKeyPEM.contains("PRIVATE KEY"))
        #expect(!configuration.description.contains("PRIVATE KEY"))
    }

    @Test("mistakes are explained in plain words", arguments: [
        ("{\"party\": 4" + "}", "not a valid party configuration"),
        ("{}", "missing field"),
        (#"{"party": 4, "listen": "a:1", "certificate": "c", "privateKey": "k", "peers": []}"#, "numbered 1, 2 and 3"),
        (#"{"party": 1, "listen": "a:1", "certificate": "c", "privateKey": "k", "peers": [{"party": 1, "address": "a:1", "certificate": "c"}]}"#, "exactly the two other parties (2 and 3)"),
        (#"{"party": 1, "listen": "nowhere", "certificate": "party1.cert.pem", "privateKey": "party1.key.pem", "peers": [{"party": 2, "address": "a:1", "certificate": "party2.cert.pem"}, {"party": 3, "address": "a:2", "certificate": "party3.cert.pem"}]}"#, "which is not host:port"),
        (#"{"party": 1, "listen": "a:1", "certificate": "missing.pem", "privateKey": "party1.key.pem", "peers": [{"party": 2, "address": "a:1", "certificate": "party2.cert.pem"}, {"party": 3, "address": "a:2", "certificate": "party3.cert.pem"}]}"#, "which cannot be read"),
    ])
    func mistakes(json: String, message: String) throws {
        let folder = try folderWithIdentities()
        let path = try write(json, in: folder)
        do {
            _ = try PartyConfiguration.load(from: path)
            Issue.record("expected an error mentioning \(message)")
        } catch let error as ConfigurationError {
            #expect(error.description.contains(message))
            #expect(error.description.hasPrefix(path))
        }
    }

    @Test("a missing file is reported with its path")
    func missingFile() {
        #expect(throws: ConfigurationError.self) { try PartyConfiguration.load(from: "/nonexistent/party.json") }
    }
}
