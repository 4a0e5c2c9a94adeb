import CairnAnalytics
import CairnArithmetic
import CairnClient
import CairnStudy
import Foundation
import Testing
@testable import CairnCommands

/// Issue 10's attack through the real processes: a contributor seals its own envelope with
/// presence bits of 2, to count as three with one honest contributor and unlock a small cell.
@Suite("A crafted envelope, through the service and three compute processes", .serialized)
struct CraftedEnvelopeTests {
    @Test("presence bits of 2 are left out on the shares and counted in results.json; the honest numbers stay suppressed")
    func presenceTwoLeftOut() async throws {
        let folder = StudyProcessTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let deployment = try LocalDeployment.create(in: folder.appendingPathComponent("parties"))
        let definition = deployment.studyDefinition(from: try StudyDefinition.load(
            from: StudyProcessTests.packageRoot.appendingPathComponent("examples/quickstart.json").path))
        #expect(definition.statistics.minimumCellSize == 3)
        let service = try ServiceProcess(data: folder.appendingPathComponent("service"), executable: PartyProcessTests.cairn)
        defer { service.stop() }
        let client = ServiceClient(baseURL: service.url)
        let definitionBytes = try definition.jsonData()
        let definitionPath = folder.appendingPathComponent("study.json")
        try definitionBytes.write(to: definitionPath)
        let created = try await client.createStudy(definition: definitionBytes, operatorToken: try service.operatorToken)
        let issued = folder.appendingPathComponent("issued")
        let issuer = ParticipantIssuer(
            service: client, studyID: created.study, credential: created.analystCredential, definition: definitionBytes,
            linkBase: service.url, issuedFile: issued)
        let codes = try await issuer.issue(count: 2).map(\.link.code)

        // One honest contributor, with what `cairn submit` seals.
        var honest = definition.emptySubmission()
        for row in 0..<2 {
            for column in 0..<2 {
                honest["employees", row, column] = "2"
                honest["salaries", row, column] = "123456"
            }
        }
        honest.cohorts = ["sector": "Company"]
        let honestEnvelope = try Contributor.seal(honest, definition: definition, code: codes[0], submission: 1)
        _ = try await client.submit(study: created.study, code: codes[0], envelope: honestEnvelope)

        // The attacker: every value 0, every presence bit 2, a valid sector, sealed like the page.
        let layout = definition.cellLayout
        var crafted = [UInt64](repeating: 0, count: layout.vectorLength)
        for cell in 0..<layout.cellCount { crafted[layout.presencePosition(ofCell: cell)] = 2 }
        crafted[layout.cohorts[0].firstPosition] = 1
        let keys = try definition.computeParties.map { try SubmissionPublicKey(base64: $0.submissionKey) }
        let reference = SubmissionReference(
            studyID: definition.id, participant: ParticipantTag(studyID: definition.id, participationCode: codes[1]), submission: 1)
        let craftedEnvelope = try SubmissionEnvelope.seal(crafted, for: reference, to: keys).json()
        _ = try await client.submit(study: created.study, code: codes[1], envelope: craftedEnvelope)
        _ = try await client.close(study: created.study, credential: created.analystCredential)

        let resultsFolder = folder.appendingPathComponent("results")
        _ = try PartyProcesses.run(
            configurations: deployment.configurationPaths,
            arguments: [
                "--service", service.url, "--study", created.study, "--definition", definitionPath.path,
                "--issued-participants", issued.path, "--output", resultsFolder.path,
            ], command: "compute",
            executable: PartyProcessTests.cairn)

        let report = try ResultsReport.load(from: resultsFolder)
        #expect(report.contributors == 2)
        #expect(report.leftOut == 1)
        let cells = StudyProcessTests.cells(report)
        #expect(!cells.isEmpty)
        // Without the check each count would be 1 + 2 = 3 and the honest salaries would show.
        #expect(cells.allSatisfy { $0.suppressed && $0.sum == nil && $0.contributors == nil })
        let json = try String(contentsOf: resultsFolder.appendingPathComponent(ResultsReport.jsonFileName), encoding: .utf8)
        #expect(json.contains("\"leftOut\": 1") || json.contains("\"leftOut\":1"))
        let html = try String(contentsOf: resultsFolder.appendingPathComponent(ResultsReport.htmlFileName), encoding: .utf8)
        #expect(html.contains("1 contribution did not follow the study&#39;s rules") || html.contains("1 contribution did not follow the study's rules"))
        #expect(!html.contains("123,456") && !html.contains("123456"))
    }
}
