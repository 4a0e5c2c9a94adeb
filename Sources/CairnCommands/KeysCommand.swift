import ArgumentParser
import CairnNetwork
import Foundation

/// `cairn keys`: a compute party's long-term key pair and certificate.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create and inspect compute parties' keys and certificates.",
        subcommands: [Generate.self, Fingerprint.self, Local.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new key pair and self-signed certificate for a compute party.",
            discussion: """
                Writes partyN.key.pem (readable by you only; keep it on the party's machine) and \
                partyN.cert.pem (give it to the other two parties, who pin it in their \
                configuration). Prints the certificate's fingerprint so that operators can compare \
                it by phone.
                """)

        @Option(help: "The party's number: 1, 2 or 3.")
        var party: Int

        @Option(help: "A name for the certificate, e.g. the organization running the party.")
        var name: String?

        @Option(help: "The folder to write the files to.")
        var output: String = "."

        @Flag(help: "Replace existing files.")
        var force = false

        func validate() throws {
            guard (1...3).contains(party) else { throw ValidationError("--party must be 1, 2 or 3") }
        }

        func run() async throws {
            let folder = URL(fileURLWithPath: output)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let keyURL = folder.appendingPathComponent("party\(party).key.pem")
            let certificateURL = folder.appendingPathComponent("party\(party).cert.pem")
            for url in [keyURL, certificateURL] where FileManager.default.fileExists(atPath: url.path) && !force {
                throw ValidationError("\(url.path) already exists; pass --force to replace it")
            }
            let identity = try PartyIdentity.generate(name: name ?? "Cairn compute party \(party)")
            try PartyFiles.writePrivate(identity.privateKeyPEM, to: keyURL)
            try identity.certificatePEM.write(to: certificateURL, atomically: true, encoding: .utf8)
            print("Wrote \(keyURL.path) (private: keep it on this machine)")
            print("Wrote \(certificateURL.path) (give it to the other two parties)")
            print("Fingerprint: \(try PartyIdentity.fingerprint(ofCertificatePEM: identity.certificatePEM))")
        }
    }

    struct Fingerprint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a certificate's SHA-256 fingerprint, to compare with its owner's.")

        @Argument(help: "The certificate file (PEM).")
        var certificate: String

        func run() async throws {
            guard let pem = try? String(contentsOfFile: certificate, encoding: .utf8) else {
                throw ValidationError("cannot read \(certificate)")
            }
            print(try PartyIdentity.fingerprint(ofCertificatePEM: pem))
        }
    }
}

extension KeysCommand {
    struct Local: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write keys, certificates and configuration files for three parties on this machine.",
            discussion: """
                For trying Cairn on one machine: three identities and three configuration files                 (party1.json, party2.json, party3.json) listening on free loopback ports. Start the                 parties with `cairn party --config FOLDER/partyN.json`.
                """)

        @Option(help: "The folder to write the files to.")
        var output: String

        func run() async throws {
            let folder = URL(fileURLWithPath: output)
            let existing = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            guard !existing.contains(where: { $0.hasPrefix("party") }) else {
                throw ValidationError("\(folder.path) already holds party files; choose an empty folder")
            }
            let deployment = try LocalDeployment.create(in: folder)
            for path in deployment.configurationPaths { print("Wrote \(path)") }
            print("Start the three parties, in any order:")
            for path in deployment.configurationPaths { print("  cairn party --config \(path)") }
        }
    }
}

/// Writing a party's files.
enum PartyFiles {
    /// Writes `text` to `url` readable and writable by the owner only (mode 0600).
    static func writePrivate(_ text: String, to url: URL) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
    }
}
