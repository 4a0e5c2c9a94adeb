import ArgumentParser
import CairnClient
import CairnStudy
import Foundation

/// Where the study service is: `--service`, else `$CAIRN_SERVICE`, else the local default.
struct ServiceOptions: ParsableArguments {
    @Option(help: "The study service's URL (default: $CAIRN_SERVICE, else http://127.0.0.1:8080).")
    var service: String?

    var client: ServiceClient {
        ServiceClient(baseURL: service ?? ProcessInfo.processInfo.environment["CAIRN_SERVICE"] ?? "http://127.0.0.1:8080")
    }
}

/// The analyst's credential for one study, kept in a file next to where the analyst works.
struct AnalystOptions: ParsableArguments {
    @Option(help: "The study's ID.")
    var study: String

    @Option(help: "The file holding the analyst credential (default: <study>.analyst-credential).")
    var credentialFile: String?

    var credentialPath: String { credentialFile ?? "\(study).analyst-credential" }

    func credential() throws -> String {
        let text: String
        do { text = try LocalFile.text(at: credentialPath, what: "the analyst credential") } catch {
            throw JobError("\(error); `cairn study create` writes it there; pass --credential-file if it is elsewhere")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// `cairn study`: create, watch and close studies.
struct StudyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Create a study, watch who has taken part, and close it.",
        subcommands: [Create.self, Status.self, Close.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a study on the service from its definition file.",
            discussion: """
                Needs the service's operator token (the file `cairn serve` writes into its data \
                folder). The analyst credential the service returns is written to \
                <study>.analyst-credential (readable by you only); it is shown once and is needed \
                for every later step.
                """)

        @OptionGroup var service: ServiceOptions

        @Option(help: "The study definition (JSON).")
        var definition: String

        @Option(help: "The file holding the service's operator token.")
        var operatorTokenFile: String = "cairn-data/operator-token"

        @Option(help: "Where to write the analyst credential (default: <study>.analyst-credential).")
        var credentialFile: String?

        func run() async throws {
            let data = try LocalFile.data(at: definition, what: "the study definition")
            let loaded = try StudyDefinition.load(from: data, name: definition)
            let token: String
            do { token = try LocalFile.text(at: operatorTokenFile, what: "the operator token") } catch {
                throw JobError("\(error); pass --operator-token-file")
            }
            let created = try await service.client.createStudy(
                definition: data, operatorToken: token.trimmingCharacters(in: .whitespacesAndNewlines))
            let path = credentialFile ?? "\(created.study).analyst-credential"
            try PartyFiles.writePrivate(created.analystCredential + "\n", to: URL(fileURLWithPath: path))
            print("Created study \"\(created.study)\": \(loaded.title)")
            print("The analyst credential is in \(path) (readable by you only). Keep it: the service does not show it again.")
            print("Next: cairn links --study \(created.study) --definition \(definition) --count 100 --output links.csv")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show how many contributors have submitted.")

        @OptionGroup var service: ServiceOptions
        @OptionGroup var analyst: AnalystOptions

        @Flag(help: "Count submissions per day rather than per hour.")
        var byDay = false

        func run() async throws {
            let participation = try await service.client.participation(
                study: analyst.study, credential: try analyst.credential(), byDay: byDay)
            print("Study \"\(analyst.study)\" is \(participation.status).")
            print("\(participation.submitted) of \(participation.linked) participation links have submitted.")
            for (cohort, counts) in participation.byCohort.sorted(by: { $0.key < $1.key }) {
                print("\n\(cohort):")
                for (option, count) in counts.sorted(by: { $0.key < $1.key }) { print("  \(option): \(count)") }
            }
            if !participation.overTime.isEmpty {
                print("\nSubmissions per \(participation.bucket) (UTC):")
                for bucket in participation.overTime {
                    print("  \(bucket.start.formatted(.iso8601))  \(bucket.submissions) submissions from \(bucket.participants) contributors")
                }
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a study: no more submissions; the compute parties may compute.")

        @OptionGroup var service: ServiceOptions
        @OptionGroup var analyst: AnalystOptions

        func run() async throws {
            let closed = try await service.client.close(study: analyst.study, credential: try analyst.credential())
            print("Study \"\(analyst.study)\" is closed with \(closed.submitted) submissions.")
            print("Next: each compute party runs `cairn compute --config <party>.json --study \(analyst.study)`.")
        }
    }
}

/// `cairn links`: participation links for contributors, made on the analyst's machine.
struct LinksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "links",
        abstract: "Make participation links for contributors (CSV for mail merge).",
        discussion: """
            Each link carries a secret code, made on this machine: whoever holds it can submit \
            for that contributor. Send each contributor only their own link. The service receives \
            only each code's participant tag, never the code. The tags are appended to the list \
            of issued participants (--issued), which the analyst's compute party needs at close \
            (`cairn compute --issued-participants`): only submissions from issued participants \
            count. Each link also carries the fingerprint of the study definition, so that \
            contributors encrypt only for the study you published.
            """)

    @OptionGroup var service: ServiceOptions
    @OptionGroup var analyst: AnalystOptions

    @Option(help: "The study definition file the study was created with (JSON).")
    var definition: String

    @Option(help: "How many links to make.")
    var count: Int

    @Option(help: "A cohort the links assign, as id=option (repeatable), for cohorts assigned by link.")
    var cohort: [String] = []

    @Option(help: "Write the CSV to this file (readable by you only) instead of standard output.")
    var output: String?

    @Option(help: "The list of issued participants to append to (default: <study>.issued-participants).")
    var issued: String?

    @Option(help: "The address contributors open, if not the --service URL (for example https://cairn.example.org).")
    var publicURL: String?

    @Option(help: "The links stop working after this many days (by default, when the study closes).")
    var validDays: Int?

    func validate() throws {
        guard (1...100_000).contains(count) else { throw ValidationError("--count must be from 1 to 100000") }
        if let validDays, !(1...3650).contains(validDays) { throw ValidationError("--valid-days must be from 1 to 3650") }
        for pair in cohort where !pair.contains("=") {
            throw ValidationError("--cohort takes id=option, for example --cohort region=North")
        }
    }

    func run() async throws {
        var cohorts: [String: String] = [:]
        for pair in cohort {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            cohorts[parts[0]] = parts[1]
        }
        let bytes = try LocalFile.data(at: definition, what: "the study definition")
        let loaded = try StudyDefinition.load(from: bytes, name: definition)
        guard loaded.id == analyst.study else {
            throw JobError("\(definition) defines study \"\(loaded.id)\", not \"\(analyst.study)\"")
        }
        let client = service.client
        let issuedPath = issued ?? "\(analyst.study).issued-participants"
        let issuer = ParticipantIssuer(
            service: client, studyID: analyst.study, credential: try analyst.credential(), definition: bytes,
            linkBase: publicURL ?? client.baseURL, issuedFile: URL(fileURLWithPath: issuedPath))
        let expiresAt = validDays.map { Date().addingTimeInterval(Double($0) * 86_400) }
        let links = try await issuer.issue(count: count, cohorts: cohorts, expiresAt: expiresAt)
        let csv = ParticipantIssuer.csv(links, cohortColumns: loaded.allCohorts.filter { $0.source == .link }.map(\.id))
        Log.info("added \(count) participants to \(issuedPath): the analyst's compute party needs it at close")
        if let output {
            try PartyFiles.writePrivate(csv, to: URL(fileURLWithPath: output))
            Log.info("wrote \(count) participation links to \(output)")
        } else {
            print(csv, terminator: "")
        }
    }
}

/// `cairn submit`: a contributor's tables, encrypted on this machine and sent to the service.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit your tables to a study (the numbers are encrypted before they leave this machine).",
        discussion: """
            Get an empty form with `cairn submit --link <link> --template > tables.csv`, fill it in \
            with a spreadsheet, then run `cairn submit --link <link> --file tables.csv`. You may \
            submit again until the study closes: the latest submission replaces the earlier ones.
            """)

    @Option(help: "Your participation link (it holds your secret code: prefer --link-file or CAIRN_LINK, which keep it off the command line).")
    var link: String?

    @Option(help: ArgumentHelp("A file holding your participation link (its first line).", valueName: "file"))
    var linkFile: String?

    @Option(help: "The filled-in CSV form.")
    var file: String?

    @Flag(help: "Print the study's empty CSV form instead of submitting.")
    var template = false

    func validate() throws {
        if !template, file == nil { throw ValidationError("pass --file with your filled-in form, or --template to get one") }
        if link != nil, linkFile != nil { throw ValidationError("pass --link or --link-file, not both") }
    }

    func run() async throws {
        let link = try ParticipationLinkURL(
            try SubmitLinkSource.text(option: self.link, file: linkFile, environment: ProcessInfo.processInfo.environment))
        // The file first: a name mistyped is reported before the service is asked anything.
        let text = try template ? nil : LocalFile.text(at: file!)
        let contributor = Contributor(link: link)
        let study = try await contributor.study()
        guard let text else {
            print(study.definition.csvTemplate(), terminator: "")
            return
        }
        let receipt = try await contributor.submit(csv: text, to: study)
        print(receipt.plainDescription(studyID: link.studyID))
    }
}

/// A contributor's side of the API: read the study, encrypt, submit.
struct Contributor: Sendable {
    let link: ParticipationLinkURL
    var client: ServiceClient { ServiceClient(baseURL: link.serviceURL) }

    func study() async throws -> PublishedStudy {
        let study = try await client.study(link.studyID, pinnedTo: link.digest)
        guard study.isOpen else { throw JobError("study \"\(link.studyID)\" is closed and accepts no more submissions") }
        return study
    }

    /// Reads a filled-in CSV form (with the link's cohorts), encrypts it, and submits it.
    func submit(csv: String, to study: PublishedStudy) async throws -> SubmissionAcknowledgement {
        let status = try await client.contribution(study: link.studyID, code: link.code)
        let tables = try study.definition.readCSV(csv, cohortAnswers: status.cohorts)
        return try await submit(tables, to: study.definition, status: status)
    }

    /// Encrypts filled-in tables to the study's parties and submits them as the next submission.
    func submit(
        _ tables: FilledTables, to definition: StudyDefinition, status: ContributionStatus
    ) async throws -> SubmissionAcknowledgement {
        let envelope = try Self.seal(tables, definition: definition, code: link.code, submission: status.nextSubmission)
        return try await client.submit(study: link.studyID, code: link.code, envelope: envelope)
    }

    /// The JSON envelope of `tables` (FORMATS.md): the cell vector split into one share per
    /// party, each encrypted to the party's key.
    static func seal(_ tables: FilledTables, definition: StudyDefinition, code: String, submission: UInt32) throws -> Data {
        let vector = try definition.cellVector(for: tables)
        let keys = try definition.computeParties.map { try SubmissionPublicKey(base64: $0.submissionKey) }
        let reference = SubmissionReference(
            studyID: definition.id, participant: ParticipantTag(studyID: definition.id, participationCode: code),
            submission: submission)
        return try SubmissionEnvelope.seal(vector, for: reference, to: keys).json()
    }
}

extension SubmissionAcknowledgement {
    func plainDescription(studyID: String) -> String {
        let when = receivedAt.formatted(.iso8601)
        let replaces = submission > 1 ? " It replaces your earlier submission." : ""
        let retry = retry ? " (The service had already received it; nothing changed.)" : ""
        return "Submitted to study \"\(studyID)\": submission \(submission), received \(when).\(replaces)\(retry)"
    }
}
