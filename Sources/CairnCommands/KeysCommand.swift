import ArgumentParser
import CairnNetwork
import CairnStudy
import Foundation

/// `cairn keys`: a compute party's long-term key pair and certificate.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create and inspect compute parties' keys and certificates.",
        subcommands: [Generate.self, Fingerprint.self, Local.self, Study.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new key pair and self-signed certificate for a compute party.",
            discussion: """
                Writes partyN.key.pem (readable by you only; keep it on the party's machine) and \
                partyN.cert.pem (give it to the other two parties, who pin it in their \
                configuration). Prints the certificate's fingerprint so that operators can compare \
                it by phone. Also writes partyN.submission.pem, the key contributors encrypt this \
                party's shares to (private too), and prints its public half for the study definition.
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
            let submissionURL = folder.appendingPathComponent("party\(party).submission.pem")
            for url in [keyURL, certificateURL, submissionURL] where FileManager.default.fileExists(atPath: url.path) && !force {
                throw ValidationError("\(url.path) already exists; pass --force to replace it")
            }
            let identity = try PartyIdentity.generate(name: name ?? "Cairn compute party \(party)")
            try PartyFiles.writePrivate(identity.privateKeyPEM, to: keyURL)
            try identity.certificatePEM.write(to: certificateURL, atomically: true, encoding: .utf8)
            print("Wrote \(keyURL.path) (private: keep it on this machine)")
            print("Wrote \(certificateURL.path) (give it to the other two parties)")
            print("Fingerprint: \(try PartyIdentity.fingerprint(ofCertificatePEM: identity.certificatePEM))")
            let submissionKey = SubmissionPrivateKey.generate()
            try PartyFiles.writePrivate(submissionKey.pem, to: submissionURL)
            print("Wrote \(submissionURL.path) (private: the key contributors encrypt to; name it as \"submissionKey\" in the configuration)")
            print("Submission key for the study definition: \(submissionKey.publicKey.base64)")
        }
    }

    struct Fingerprint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a certificate's SHA-256 fingerprint, to compare with its owner's.")

        @Argument(help: "The certificate file (PEM).")
        var certificate: String

        func run() async throws {
            let pem = try LocalFile.text(at: certificate)
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
            print("Or, for a study: cairn keys study --definition <template.json> --parties \(folder.path) --output study.json")
        }
    }

    struct Study: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put the compute parties' addresses and keys into a study definition.",
            discussion: """
                Reads partyN.json from --parties (as `cairn keys local` or `cairn keys generate` \
                and a configuration file make them) and writes the definition with each listed \
                compute party's address, submission key and certificate fingerprint filled in, in \
                party order. The definition may leave those fields out or empty. Every problem, \
                with the party files and with the definition, is reported at once.
                """)

        @Option(help: "The study definition to fill in.")
        var definition: String

        @Option(help: "The folder holding party1.json, party2.json and party3.json.")
        var parties: String

        @Option(help: "Where to write the filled-in definition.")
        var output: String

        func run() async throws {
            let study = try StudyPartyKeys.fill(definitionAt: definition, partiesFolder: parties)
            try study.jsonData().write(to: URL(fileURLWithPath: output))
            print("Wrote \(output) with the keys of \(study.computeParties.count) compute parties")
        }
    }
}

/// What `cairn keys study` does: a study definition with its compute parties' addresses, submission
/// keys and certificate fingerprints taken from the parties' configuration files.
enum StudyPartyKeys {
    /// The definition at `definitionAt` with party k's facts from `partyk.json` in `partiesFolder`.
    ///
    /// - Throws: ``StudyProblems`` listing every problem at once: each party file that cannot be
    ///   used, and everything wrong with the definition once filled in. The fields this fills in
    ///   need no placeholder in the input.
    static func fill(definitionAt path: String, partiesFolder: String) throws -> StudyDefinition {
        var study = try StudyDefinition.decodeLeavingPartiesOpen(
            from: LocalFile.data(at: path, what: "the study definition"), name: path)
        var problems: [StudyDefinitionProblem] = []
        let folder = URL(fileURLWithPath: partiesFolder)
        for k in study.computeParties.indices {
            let file = folder.appendingPathComponent("party\(k + 1).json").path
            do {
                let network = try PartyConfiguration.load(from: file)
                let raw = try JSONDecoder().decode(PartyConfiguration.self, from: LocalFile.data(at: file))
                guard let keyPath = raw.submissionKey else {
                    throw JobError("\(file) names no \"submissionKey\" (the key file `cairn keys generate` writes as partyN.submission.pem)")
                }
                let keyFile = keyPath.hasPrefix("/") ? keyPath : folder.appendingPathComponent(keyPath).path
                let pem = try LocalFile.text(at: keyFile, what: "the submission key")
                study.computeParties[k].submissionKey = try SubmissionPrivateKey(pem: pem).publicKey.base64
                study.computeParties[k].address = raw.listen
                study.computeParties[k].certificateFingerprint = try PartyIdentity.fingerprint(ofCertificatePEM: network.certificatePEM)
            } catch {
                let name = study.computeParties[k].name.trimmingCharacters(in: .whitespaces)
                problems.append(StudyDefinitionProblem(place: "compute party \(k + 1)" + (name.isEmpty ? "" : " (\(name))"), message: "\(error)"))
                // Stand-ins, so that the rest of the definition is still checked now rather than
                // after this file is fixed.
                study.computeParties[k].address = "party\(k + 1).invalid:1"
                study.computeParties[k].submissionKey = SubmissionPrivateKey.generate().publicKey.base64
                study.computeParties[k].certificateFingerprint = nil
            }
        }
        problems += study.validate()
        guard problems.isEmpty else { throw StudyProblems(subject: path, problems: problems) }
        return study
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
