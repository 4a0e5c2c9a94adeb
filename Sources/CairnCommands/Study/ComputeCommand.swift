import ArgumentParser
import CairnAnalytics
import CairnMPC
import CairnNetwork
import CairnStudy
import Foundation

/// `cairn compute`: one compute party's part in computing a closed study.
struct ComputeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compute",
        abstract: "Compute a closed study's results, as one of its compute parties.",
        discussion: """
            Each of the three compute parties runs this with its own configuration file. The \
            party fetches its encrypted shares from the study service, decrypts them with its \
            submission key, and computes with the other two parties over mutual TLS. Each party \
            holds the study's definition file as the analyst handed it out (--definition) and \
            stops if the service or another party holds a different one. Only the \
            analyst's party learns the results; it writes results.json, results.csv and \
            report.html into --output.
            """)

    @OptionGroup var service: ServiceOptions

    @Option(help: "The party's configuration file (JSON), with its submissionKey.")
    var config: String

    @Option(help: "The study's ID.")
    var study: String

    @Option(help: "The study definition file the analyst handed to this party (JSON): the party computes this study, and stops if the service or another party holds a different one.")
    var definition: String

    @Option(
        parsing: .upToNextOption,
        help: "The lists of participants the analyst issued (`cairn links` writes <study>.issued-participants; the dashboard offers one per batch of links): needed by the analyst's party, which accepts only submissions from them.")
    var issuedParticipants: [String] = []

    @Option(help: "The party's submission private key (default: the configuration's submissionKey).")
    var submissionKey: String?

    @Option(help: "Where the analyst's party writes the results.")
    var output: String = "results"

    @Flag(help: "If the study is still open, wait until the analyst closes it.")
    var wait = false

    func run() async throws {
        let network = try PartyConfiguration.load(from: config)
        let key = try loadSubmissionKey()
        let client = service.client
        let progress = ProgressReporter(service: client, studyID: study, party: network.party.rawValue, log: { Log.info($0) })
        let definitionBytes = try LocalFile.data(at: definition, what: "the study definition")
        var issued: IssuedParticipants?
        for path in issuedParticipants {
            let text = try LocalFile.text(at: path, what: "the list of issued participants")
            issued = IssuedParticipants(tags: (issued?.tags ?? []).union(try IssuedParticipants(text: text, name: path).tags))
        }
        let job = StudyComputeJob(
            service: client, studyID: study, me: network.party, key: key, definitionBytes: definitionBytes,
            definitionSource: definition, issued: issued, log: { Log.info($0) }, progress: progress)
        do {
            try await run(job, network: network)
        } catch {
            await progress.report(.failed)
            await progress.flush()
            throw error
        }
        await progress.report(.finished)
        await progress.flush()
    }

    private func run(_ job: StudyComputeJob, network: NetworkConfiguration) async throws {
        let prepared = try await job.prepare(waitUntilClosed: wait)

        Log.info("\(network.party): connecting to the other parties")
        let connected = try await PartyNetwork.connect(network)
        let outcome: (results: StudyResults, contributors: Int)?
        do {
            outcome = try await job.compute(prepared, network: connected)
        } catch {
            await connected.abort(because: error)
            try? await connected.close()
            throw error
        }
        try await connected.close()
        if let outcome {
            let folder = URL(fileURLWithPath: output)
            try StudyResultsFiles.write(
                outcome.results, definition: prepared.definition, contributors: outcome.contributors, to: folder)
            print("Results of study \"\(study)\" (\(outcome.contributors) contributors) are in \(folder.path): "
                + "results.json, results.csv and report.html")
            for notice in job.leftOutNotices.all { print("Note: \(notice).") }
        } else {
            Log.info("\(network.party): done; the results went to the analyst's party only")
        }
    }

    /// The key named by --submission-key, or by the configuration's `submissionKey`.
    func loadSubmissionKey() throws -> SubmissionPrivateKey {
        let configURL = URL(fileURLWithPath: config)
        let named: String
        if let submissionKey {
            named = submissionKey
        } else {
            let raw = try JSONDecoder().decode(PartyConfiguration.self, from: Data(contentsOf: configURL))
            guard let path = raw.submissionKey else {
                throw JobError("\(config) names no \"submissionKey\"; add it, or pass --submission-key")
            }
            named = path.hasPrefix("/") ? path : configURL.deletingLastPathComponent().appendingPathComponent(path).path
        }
        let pem = try LocalFile.text(at: named, what: "the submission key")
        return try SubmissionPrivateKey(pem: pem)
    }
}

/// The analyst's results files: `results.json`, `results.csv` and `report.html` (``ResultsReport``).
enum StudyResultsFiles {
    static func write(_ results: StudyResults, definition: StudyDefinition, contributors: Int, to folder: URL) throws {
        try ResultsReport(definition: definition, results: results, computedAt: Date(), contributors: contributors)
            .write(to: folder)
    }
}
