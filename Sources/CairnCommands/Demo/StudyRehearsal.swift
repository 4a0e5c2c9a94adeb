import CairnAnalytics
import CairnArithmetic
import CairnClient
import CairnStudy
import Foundation

/// A whole study on one machine, as real as it gets without three organizations: the study
/// service and the three compute parties run as `cairn` processes on loopback; simulated
/// contributors submit through the HTTP API with real encryption, some of them twice; the
/// analyst closes the study; the parties compute; the analyst's party writes the results.
///
/// `cairn demo` runs it and prints what happens; the multi-process tests run it and compare the
/// results with ``StudyComputation/reference(vectors:)`` over the latest submissions.
struct StudyRehearsal {
    var template: StudyDefinition
    var contributors: Int
    /// How many contributors submit a second time, with other numbers.
    var resubmitting: Int
    /// Where the service's data, the parties' keys and the results go.
    var folder: URL
    var executable: String = PartyProcesses.executable
    var seed: UInt64 = 2026
    /// Progress lines for people.
    var say: @Sendable (String) -> Void = { _ in }

    struct Outcome {
        var definition: StudyDefinition
        /// What the analyst's party wrote.
        var results: ResultsReport
        /// The same report made from results computed in the clear from the latest submissions.
        var expected: ResultsReport
        var participation: Participation
        var resultsFolder: URL
        var submissions: Int
    }

    func run() async throws -> Outcome {
        let deployment = try LocalDeployment.create(
            in: folder.appendingPathComponent("parties"), parties: template.computeParties.count)
        let definition = deployment.studyDefinition(from: template)
        let service = try ServiceProcess(data: folder.appendingPathComponent("service"), executable: executable)
        defer { service.stop() }
        say("The study service is running at \(service.url) (data in \(service.data.path)).")
        let client = ServiceClient(baseURL: service.url)

        // The analyst creates the study and makes participation links.
        // The file the analyst hands to every compute party, byte for byte what the service holds.
        let definitionFile = folder.appendingPathComponent("study.json")
        try definition.jsonData().write(to: definitionFile)
        let created = try await client.createStudy(
            definition: try Data(contentsOf: definitionFile), operatorToken: try service.operatorToken)
        let credential = created.analystCredential
        say("The analyst created study \"\(created.study)\" (\(definition.cellCount) cells in \(definition.tables.count) tables).")
        let issued = folder.appendingPathComponent("\(created.study).issued-participants")
        let issuer = ParticipantIssuer(
            service: client, studyID: created.study, credential: credential, definition: try Data(contentsOf: definitionFile),
            linkBase: service.url, issuedFile: issued)
        let links = try await makeLinks(definition, issuer: issuer)
        say("The analyst made \(links.count) participation links.")

        // Contributors submit; some change their minds and submit again.
        var generator = SplitMix64(seed: seed)
        let simulated = SimulatedTables(definition: definition)
        var latest = links.map { simulated.make(using: &generator, linkCohorts: $0.cohorts) }
        let first = try await submitAll(Array(zip(links.indices, latest)), links: links, definition: definition, submission: 1)
        say("\(links.count) contributors submitted their tables, each encrypted to the three parties (\(Self.rate(first, links.count))).")
        var resubmissions: [(Int, FilledTables)] = []
        for k in 0..<min(resubmitting, links.count) {
            latest[k] = simulated.make(using: &generator, linkCohorts: links[k].cohorts)
            resubmissions.append((k, latest[k]))
        }
        if !resubmissions.isEmpty {
            _ = try await submitAll(resubmissions, links: links, definition: definition, submission: 2)
            say("\(resubmissions.count) of them submitted again; the service keeps only each one's latest submission.")
        }

        let participation = try await client.participation(study: created.study, credential: credential)
        let closed = try await client.close(study: created.study, credential: credential)
        say("The analyst closed the study with \(closed.submitted) submissions.")

        // The three parties compute; the analyst's party writes the results.
        let results = folder.appendingPathComponent("results")
        say("The \(definition.computeParties.count == 2 ? "two" : "three") compute parties fetch and decrypt their shares and compute together over mutual TLS…")
        let started = ContinuousClock.now
        _ = try PartyProcesses.run(
            configurations: deployment.configurationPaths,
            arguments: [
                "--service", service.url, "--study", created.study, "--definition", definitionFile.path,
                "--issued-participants", issued.path, "--output", results.path,
            ],
            command: "compute", executable: executable)
        say("They finished in \(Stopwatch.text(since: started)), including start-up and decryption.")

        let revealed = try ResultsReport.load(from: results)
        let vectors = try latest.map { try definition.cellVector(for: $0) }
        let reference = StudyComputation(definition: definition).reference(vectors: vectors)
        return Outcome(
            definition: definition, results: revealed,
            expected: ResultsReport(
                definition: definition, results: reference, computedAt: revealed.computedAt, contributors: vectors.count),
            participation: participation, resultsFolder: results, submissions: links.count + resubmissions.count)
    }

    /// Links spread evenly over the options of cohorts assigned by link.
    func makeLinks(_ definition: StudyDefinition, issuer: ParticipantIssuer) async throws -> [ParticipantIssuer.Link] {
        let byLink = definition.allCohorts.filter { $0.source == .link }
        guard !byLink.isEmpty else { return try await issuer.issue(count: contributors) }
        var links: [ParticipantIssuer.Link] = []
        for k in 0..<contributors {
            let cohorts = Dictionary(uniqueKeysWithValues: byLink.map { ($0.id, $0.options[k % $0.options.count]) })
            links += try await issuer.issue(count: 1, cohorts: cohorts)
        }
        return links
    }

    /// Encrypts and submits tables, eight contributors at a time. Returns the seconds taken.
    func submitAll(
        _ work: [(Int, FilledTables)], links: [ParticipantIssuer.Link], definition: StudyDefinition, submission: UInt32
    ) async throws -> Double {
        try await Stopwatch.time {
            try await Concurrently.forEach(work.count, width: 8) { w in
                let (k, tables) = work[w]
                let link = links[k].link
                let envelope = try Contributor.seal(tables, definition: definition, code: link.code, submission: submission)
                _ = try await ServiceClient(baseURL: link.serviceURL).submit(study: link.studyID, code: link.code, envelope: envelope)
            }
        }
    }

    static func rate(_ seconds: Double, _ count: Int) -> String {
        String(format: "%.1f s, %.0f per second", seconds, Double(count) / max(seconds, 1e-9))
    }
}
