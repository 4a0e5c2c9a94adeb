import CairnAnalytics
import CairnArithmetic
import CairnClient
import CairnStudy
import Foundation
import Testing
@testable import CairnCommands

/// The study service and the compute parties as real `cairn` processes on loopback.
@Suite("Studies with the service and parties as processes", .serialized)
struct StudyProcessTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The quick-start study with a second cohort, assigned by participation link.
    static var twoCohortStudy: StudyDefinition {
        get throws {
            var definition = try StudyDefinition.load(from: packageRoot.appendingPathComponent("examples/quickstart.json").path)
            definition.cohorts?.append(
                .init(id: "region", question: "Where is the organization?", options: ["North", "South"], assignedBy: .link))
            return definition
        }
    }

    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cairn-study-test-\(UUID().uuidString)")
    }

    @Test("50 contributors (10 resubmit, 2 cohorts): the analyst's results equal the cleartext over the latest submissions")
    func fiftyContributors() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // 50 contributors in 3 sectors: at least one sector has 16 or fewer, below this minimum;
        // the regions (25 each) and all contributors are above it.
        var template = try Self.twoCohortStudy
        template.statistics.minimumCellSize = 17
        let rehearsal = StudyRehearsal(
            template: template, contributors: 50, resubmitting: 10, folder: folder,
            executable: PartyProcessTests.cairn, seed: 50)
        let outcome = try await rehearsal.run()
        #expect(outcome.submissions == 60)
        #expect(outcome.participation.linked == 50)
        #expect(outcome.participation.submitted == 50)
        #expect(outcome.participation.byCohort["region"] == ["North": 25, "South": 25])
        // 8 cells × (3 sectors + 2 regions + all).
        let cells = Self.cells(outcome.results)
        #expect(cells.count == 8 * 6)
        #expect(outcome.results == outcome.expected)
        // Small groups exist and are suppressed: no value of theirs was revealed.
        let suppressed = cells.filter(\.suppressed)
        #expect(!suppressed.isEmpty)
        #expect(suppressed.allSatisfy { $0.sum == nil && $0.contributors == nil && $0.mean == nil })
        #expect(cells.contains { !$0.suppressed && $0.sum != nil })
        for file in ["results.json", "results.csv", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: outcome.resultsFolder.appendingPathComponent(file).path), "\(file)")
        }
    }

    @Test("a two-party study (service provider and analyst): sums per link cohort equal the cleartext")
    func twoParties() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var template = try StudyDefinition.load(from: Self.packageRoot.appendingPathComponent("examples/quickstart.json").path)
        template.computeParties.removeLast()
        template.statistics = .init(compute: [.count, .sum, .mean, .meanPerEmployee])
        template.cohorts![0].assignedBy = .link
        let rehearsal = StudyRehearsal(
            template: template, contributors: 12, resubmitting: 3, folder: folder, executable: PartyProcessTests.cairn, seed: 12)
        let outcome = try await rehearsal.run()
        #expect(outcome.results == outcome.expected)
        #expect(Self.cells(outcome.results).count == 8 * 4)
        #expect(Self.cells(outcome.results).allSatisfy { !$0.suppressed })
        #expect(outcome.participation.byCohort["sector"]?.values.reduce(0, +) == 12)
    }

    @Test("the service killed with SIGKILL mid-stream keeps every acknowledged submission intact")
    func crashSafety() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let deployment = try LocalDeployment.create(in: folder.appendingPathComponent("parties"))
        let definition = deployment.studyDefinition(from: try Self.twoCohortStudy)
        let data = folder.appendingPathComponent("service")
        var service = try ServiceProcess(data: data, executable: PartyProcessTests.cairn)
        var client = ServiceClient(baseURL: service.url)
        let definitionBytes = try definition.jsonData()
        let created = try await client.createStudy(definition: definitionBytes, operatorToken: try service.operatorToken)
        let issuer = ParticipantIssuer(
            service: client, studyID: created.study, credential: created.analystCredential, definition: definitionBytes,
            linkBase: service.url, issuedFile: folder.appendingPathComponent("issued"))
        var links: [ParticipantIssuer.Link] = []
        for region in ["North", "South"] {
            links += try await issuer.issue(count: 100, cohorts: ["region": region])
        }

        // A stream of submissions, four at a time, until the service is killed under it.
        let simulated = SimulatedTables(definition: definition)
        var generator = SplitMix64(seed: 9)
        let work = links.map { link in
            let parsed = link.link
            let tables = simulated.make(using: &generator, linkCohorts: link.cohorts)
            return (parsed, try! definition.cellVector(for: tables), try! Contributor.seal(tables, definition: definition, code: parsed.code, submission: 1))
        }
        let acknowledged = Acknowledged()
        var shortTimeouts = client
        shortTimeouts.timeout = .seconds(5)
        let streamClient = shortTimeouts
        let streaming = Task {
            try? await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<4 {
                    group.addTask {
                        for k in stride(from: lane, to: work.count, by: 4) {
                            guard await !acknowledged.stopped else { return }
                            let (link, _, envelope) = work[k]
                            if (try? await streamClient.submit(study: link.studyID, code: link.code, envelope: envelope, attempts: 1)) != nil {
                                await acknowledged.add(k)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while await acknowledged.count < 40, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        service.kill()
        // Requests to a dead service would keep retrying the connection until their deadline.
        await acknowledged.stop()
        streaming.cancel()
        await streaming.value
        let survivors = await acknowledged.indices
        #expect(survivors.count >= 40)
        #expect(survivors.count < work.count, "the service was killed before the stream ended")

        // Restarted on the same data, the service has every acknowledged submission, intact.
        service = try ServiceProcess(data: data, executable: PartyProcessTests.cairn)
        defer { service.stop() }
        client = ServiceClient(baseURL: service.url)
        _ = try await client.close(study: created.study, credential: created.analystCredential)
        var sums: [ParticipantTag: [UInt64]] = [:]
        for party in 0..<3 {
            let key = try SubmissionPrivateKey(
                pem: String(contentsOf: deployment.folder.appendingPathComponent("party\(party + 1).submission.pem"), encoding: .utf8))
            let token = try await client.openPartySession(study: created.study, party: party, partyCount: 3, key: key)
            for record in try await client.allShares(study: created.study, party: party, token: token, pageSize: 37) {
                let share = try record.share.open(partyCount: 3, for: record.reference(studyID: created.study), using: key).expand()
                sums[record.participant] = zip(sums[record.participant] ?? share.map { _ in 0 }, share).map { $0 &+ $1 }
            }
        }
        for k in survivors {
            let tag = ParticipantTag(studyID: created.study, participationCode: work[k].0.code)
            #expect(sums[tag] == work[k].1, "acknowledged submission \(k) is missing or altered")
        }
        // Whatever else is stored was sent whole: every stored submission decrypts to what was sent.
        let sent = Dictionary(uniqueKeysWithValues: work.map { (ParticipantTag(studyID: created.study, participationCode: $0.0.code), $0.1) })
        for (tag, values) in sums { #expect(sent[tag] == values) }
    }

    @Test("a newcomer's walk-through: serve, create, links, submit, close, compute, results")
    func commandLineWalkthrough() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let deployment = try LocalDeployment.create(in: folder.appendingPathComponent("parties"))
        var definition = deployment.studyDefinition(from: try StudyDefinition.load(
            from: Self.packageRoot.appendingPathComponent("examples/quickstart.json").path))
        definition.statistics.minimumCellSize = 1
        let definitionPath = folder.appendingPathComponent("study.json")
        try definition.jsonData().write(to: definitionPath)
        let service = try ServiceProcess(data: folder.appendingPathComponent("service"), executable: PartyProcessTests.cairn)
        defer { service.stop() }
        let common = ["--service", service.url]

        try run(["study", "create", "--definition", definitionPath.path, "--operator-token-file",
                 service.data.appendingPathComponent("operator-token").path,
                 "--credential-file", folder.appendingPathComponent("analyst").path] + common)
        let analyst = ["--study", "quickstart", "--credential-file", folder.appendingPathComponent("analyst").path]
        let issued = folder.appendingPathComponent("quickstart.issued-participants")
        let csv = try run(["links", "--count", "2", "--definition", definitionPath.path, "--issued", issued.path] + analyst + common)
        let tags = try IssuedParticipants(text: String(contentsOf: issued, encoding: .utf8), name: "issued").tags
        #expect(tags.count == 2)
        #expect(try FileManager.default.attributesOfItem(atPath: issued.path)[.posixPermissions] as? Int == 0o600)
        let urls = csv.split(whereSeparator: \.isNewline).dropFirst().map { String($0.split(separator: ",")[0]) }
        #expect(urls.count == 2)

        let template = try run(["submit", "--link", urls[0], "--template"])
        #expect(template.contains("employees,Female,Male"))
        let tables = [
            "cohort,sector,Company\nemployees,Female,Male\nEngineering,3,4\nSales,2,0\nsalaries,Female,Male\nEngineering,300000,400000\nSales,150000,0\n",
            "cohort,sector,Non-profit\nemployees,Female,Male\nEngineering,1,1\nSales,5,6\nsalaries,Female,Male\nEngineering,90000,95000\nSales,260000,330000\n",
        ]
        for (url, table) in zip(urls, tables) {
            let file = folder.appendingPathComponent("tables.csv")
            try table.write(to: file, atomically: true, encoding: .utf8)
            let said = try run(["submit", "--link", url, "--file", file.path])
            #expect(said.contains("submission 1"))
        }
        // A second submission replaces the first.
        let file = folder.appendingPathComponent("tables.csv")
        try tables[0].replacingOccurrences(of: "Engineering,3,4", with: "Engineering,4,4")
            .replacingOccurrences(of: "Engineering,300000,400000", with: "Engineering,360000,400000")
            .write(to: file, atomically: true, encoding: .utf8)
        #expect(try run(["submit", "--link", urls[0], "--file", file.path]).contains("submission 2"))

        #expect(try run(["study", "status"] + analyst + common).contains("2 of 2"))
        #expect(try run(["study", "close"] + analyst + common).contains("closed with 2 submissions"))
        let results = folder.appendingPathComponent("results")
        _ = try PartyProcesses.run(
            configurations: deployment.configurationPaths,
            arguments: common + [
                "--study", "quickstart", "--definition", definitionPath.path, "--issued-participants", issued.path,
                "--output", results.path,
            ], command: "compute",
            executable: PartyProcessTests.cairn)
        let revealed = try ResultsReport.load(from: results)
        let salaries = revealed.table("salaries")?.groups.first { $0.label == ResultsReport.allContributors }
        let engineeringFemale = salaries?.cells.first { $0.row == "Engineering" && $0.column == "Female" }
        #expect(engineeringFemale?.sum == 450_000)
        #expect(engineeringFemale?.meanPerEmployee == 90_000)
        let printed = try run(["results", "--dir", results.path, "--table", "salaries"])
        #expect(printed.contains("Engineering") && printed.contains("report.html"))
    }

    @Test("a party handed a different definition file: every party stops, naming it, with both digests")
    func differentDefinitionAbortsEveryParty() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let deployment = try LocalDeployment.create(in: folder.appendingPathComponent("parties"))
        var definition = deployment.studyDefinition(from: try StudyDefinition.load(
            from: Self.packageRoot.appendingPathComponent("examples/quickstart.json").path))
        let published = folder.appendingPathComponent("study.json")
        try definition.jsonData().write(to: published)
        // The same parties and keys, a smaller minimum cell size: another study.
        definition.statistics.minimumCellSize = 1
        let other = folder.appendingPathComponent("other.json")
        try definition.jsonData().write(to: other)
        let (publishedDigest, otherDigest) = (
            DefinitionDigest(of: try Data(contentsOf: published)), DefinitionDigest(of: try Data(contentsOf: other)))

        let service = try ServiceProcess(data: folder.appendingPathComponent("service"), executable: PartyProcessTests.cairn)
        defer { service.stop() }
        let client = ServiceClient(baseURL: service.url)
        let created = try await client.createStudy(definition: try Data(contentsOf: published), operatorToken: try service.operatorToken)
        _ = try await client.close(study: created.study, credential: created.analystCredential)
        let issued = folder.appendingPathComponent("issued")
        try Data().write(to: issued)

        var processes: [(Process, Pipe)] = []
        for (k, configuration) in deployment.configurationPaths.enumerated() {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: PartyProcessTests.cairn)
            process.arguments = [
                "compute", "--config", configuration, "--service", service.url, "--study", created.study,
                "--definition", (k == 1 ? other : published).path, "--issued-participants", issued.path, "--output", folder.appendingPathComponent("results").path,
            ]
            let errors = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
            processes.append((process, errors))
        }
        let said = processes.map { String(decoding: $0.1.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        for (process, _) in processes { process.waitUntilExit() }
        for (k, (process, _)) in processes.enumerated() {
            #expect(process.terminationStatus != 0, "party \(k + 1) should have stopped")
            #expect(said[k].contains("holds a different study definition"), "party \(k + 1): \(said[k])")
            #expect(said[k].contains(publishedDigest.short) && said[k].contains(otherDigest.short), "party \(k + 1): \(said[k])")
        }
        for k in [0, 2] { #expect(said[k].contains("party 2 (\""), "party \(k + 1): \(said[k])") }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("results/results.json").path))
    }

    static func cells(_ report: ResultsReport) -> [ResultsReport.Cell] {
        report.tables.flatMap { $0.groups.flatMap(\.cells) }
    }

    /// Runs `cairn` with `arguments`; returns its standard output, or throws with its errors.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PartyProcessTests.cairn)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw JobError("cairn \(arguments.prefix(2).joined(separator: " ")) failed: \(problems)")
        }
        return text
    }
}

actor Acknowledged {
    private(set) var indices: [Int] = []
    private(set) var stopped = false
    var count: Int { indices.count }
    func add(_ k: Int) { if !stopped { indices.append(k) } }
    func stop() { stopped = true }
}
