import CairnAnalytics
import CairnArithmetic
import CairnMPC
import CairnStudy
import CairnClient
import Foundation

/// `cairn bench study`: the time from a closed study's shares to the analyst's results.
enum StudyBenchmark {
    /// Random contributions to `definition` that follow its rules, so that the parties' check
    /// keeps them all: every cell filled (values 1…1000, never zero, so `zeroTogether` holds), the
    /// first table of each `notGreaterThan` rule lowered to the second where it is greater, a
    /// random option for each cohort.
    static func contributions(_ definition: StudyDefinition, count: Int, seed: UInt64) throws -> [UInt64] {
        var generator = SplitMix64(seed: seed)
        let layout = definition.cellLayout
        let validation = ContributionValidation(definition: definition)
        let pairs: [(Int, Int)] = definition.allRules.filter { $0.rule == .notGreaterThan && $0.tables.count == 2 }.flatMap { rule in
            let blocks = rule.tables.compactMap { id in layout.tables.first { $0.table == id } }
            guard blocks.count == 2 else { return [(Int, Int)]() }
            return (0..<(blocks[0].rows * blocks[0].columns)).map { (blocks[0].firstCell + $0, blocks[1].firstCell + $0) }
        }
        var vectors: [UInt64] = []
        vectors.reserveCapacity(count * layout.vectorLength)
        for _ in 0..<count {
            var vector = [UInt64](repeating: 0, count: layout.vectorLength)
            for c in 0..<layout.cellCount {
                vector[layout.valuePosition(ofCell: c)] = 1 + generator.next() % 1000
                vector[layout.presencePosition(ofCell: c)] = 1
            }
            for (smaller, larger) in pairs { vector[smaller] = min(vector[smaller], vector[larger]) }
            for cohort in layout.cohorts where cohort.options > 0 {
                vector[cohort.firstPosition + Int(generator.next() % UInt64(cohort.options))] = 1
            }
            guard validation.reference(vector: vector) else {
                throw JobError("the benchmark's random contributions do not follow the rules of study \"\(definition.id)\"")
            }
            vectors += vector
        }
        return vectors
    }

    /// The three parties' additive shares of `count` random contributions (public benchmark
    /// data, derived from `seed`, so that separate party processes agree on it).
    static func shares(_ definition: StudyDefinition, contributors count: Int, seed: UInt64) throws -> [[UInt64]] {
        let vectors = try contributions(definition, count: count, seed: seed)
        var generator = SplitMix64(seed: seed &+ 1)
        let s0 = vectors.map { _ in generator.next() }, s1 = vectors.map { _ in generator.next() }
        return [s0, s1, (0..<vectors.count).map { vectors[$0] &- s0[$0] &- s1[$0] }]
    }

    /// Times the computation on one party, from its additive shares to the recipient's results;
    /// all three parties call this together (timed as ``MPCBenchmark/timed(on:_:)`` does).
    static func measureCompute(_ definition: StudyDefinition, share: [UInt64], on party: Party) async throws -> Double {
        try await MPCBenchmark.timed(on: party) {
            let contributions = try await party.fromAdditiveShares(share)
            _ = try await StudyComputation(definition: definition).run(on: party, contributions: contributions, recipient: .one)
        }
    }

    /// Times the computation with three parties in this process.
    static func measureCompute(_ definition: StudyDefinition, contributors: Int) async throws -> Double {
        let shares = try shares(definition, contributors: contributors, seed: 7)
        return try await InProcessCluster.run { party in
            try await measureCompute(definition, share: shares[party.index.rawValue], on: party)
        }.max()!
    }

    /// One result line.
    static func line(cells: Int, contributors: Int, seconds: Double, transport: String, json: Bool) -> String {
        json
            ? #"{"cells":\#(cells),"contributors":\#(contributors),"op":"compute","parties":3,"seconds":\#(seconds),"transport":"\#(transport)"}"#
            : "compute  \(contributors) contributors, \(cells) cells: \(String(format: "%.2f", seconds)) s (3 parties, \(transport))"
    }
}

// MARK: - Through the service

extension StudyBenchmark {
    /// Ingest over HTTP, then close-to-results with three `cairn compute` processes; one line each.
    static func throughService(_ template: StudyDefinition, contributors count: Int, json: Bool) async throws -> [String] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let deployment = try LocalDeployment.create(in: folder.appendingPathComponent("parties"), receiveTimeoutSeconds: 300)
        var renamed = deployment.studyDefinition(from: template)
        renamed.id = "bench-\(count)"
        let definition = renamed
        let service = try ServiceProcess(data: folder.appendingPathComponent("service"))
        defer { service.stop() }
        let client = ServiceClient(baseURL: service.url)
        let definitionFile = folder.appendingPathComponent("study.json")
        try definition.jsonData().write(to: definitionFile)
        let created = try await client.createStudy(
            definition: try Data(contentsOf: definitionFile), operatorToken: try service.operatorToken)
        let issued = folder.appendingPathComponent("\(created.study).issued-participants")
        let links = try await ParticipantIssuer(
            service: client, studyID: created.study, credential: created.analystCredential,
            definition: try Data(contentsOf: definitionFile), linkBase: service.url, issuedFile: issued
        ).issue(count: count)

        Log.info("sealing \(count) submissions (not timed)")
        let vectors = try contributions(definition, count: count, seed: 11)
        let length = definition.cellLayout.vectorLength
        let parsed = links.map(\.link)
        let keys = try definition.computeParties.map { try SubmissionPublicKey(base64: $0.submissionKey) }
        let envelopes = try await Concurrently.map(Array(0..<count)) { k in
            let tables = Array(vectors[k * length..<(k + 1) * length])
            let reference = SubmissionReference(
                studyID: definition.id, participant: ParticipantTag(studyID: definition.id, participationCode: parsed[k].code),
                submission: 1)
            return try SubmissionEnvelope.seal(tables, for: reference, to: keys).json()
        }

        Log.info("submitting \(count) envelopes of \(envelopes[0].count) bytes over HTTP")
        let ingest = try await Stopwatch.time {
            try await Concurrently.forEach(count, width: 8) { k in
                _ = try await client.submit(study: created.study, code: parsed[k].code, envelope: envelopes[k])
            }
        }
        _ = try await client.close(study: created.study, credential: created.analystCredential)

        Log.info("computing with three parties over TCP, decryption included")
        let results = folder.appendingPathComponent("results")
        let compute = try await Stopwatch.time {
            _ = try PartyProcesses.run(
                configurations: deployment.configurationPaths,
                arguments: [
                    "--service", service.url, "--study", created.study, "--definition", definitionFile.path,
                    "--issued-participants", issued.path, "--output", results.path,
                ], command: "compute")
        }
        let cells = definition.cellCount
        let perSecond = Double(count) / ingest
        return json
            ? [
                #"{"cells":\#(cells),"contributors":\#(count),"op":"ingest","per_second":\#(Int(perSecond)),"seconds":\#(rounded(ingest)),"store":"sqlite"}"#,
                #"{"cells":\#(cells),"contributors":\#(count),"decryption":true,"op":"compute","parties":3,"seconds":\#(rounded(compute)),"transport":"tcp"}"#,
            ]
            : [
                "ingest   \(count) submissions, \(cells) cells: \(String(format: "%.2f", ingest)) s, \(Int(perSecond)) per second (HTTP, SQLite)",
                "compute  \(count) contributors, \(cells) cells: \(String(format: "%.2f", compute)) s from close to results (3 parties, tcp, decryption included)",
            ]
    }

    static func rounded(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }

}
