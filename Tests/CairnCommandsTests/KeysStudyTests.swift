import CairnNetwork
import Foundation
import Testing
@testable import CairnCommands
@testable import CairnStudy

/// `cairn keys study` fills in each compute party's address, submission key and certificate
/// fingerprint; the definition it reads need not carry placeholders for them, and every problem
/// is reported in one go.
@Suite("cairn keys study")
struct KeysStudyTests {
    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-keys-study-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The quick start's definition as a JSON object, to change before writing it out.
    func quickstart() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: Self.examples.appendingPathComponent("quickstart.json"))) as? [String: Any])
    }

    func write(_ object: [String: Any], to folder: URL) throws -> String {
        let url = folder.appendingPathComponent("template.json")
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        return url.path
    }

    func parties(_ change: ([[String: Any]]) -> [[String: Any]], in object: [String: Any]) -> [String: Any] {
        var object = object
        object["computeParties"] = change(object["computeParties"] as! [[String: Any]])
        return object
    }

    @Test("address and submissionKey may be absent, null or empty: the parties' files fill them in")
    func noPlaceholders() async throws {
        let folder = try temporaryFolder()
        _ = try LocalDeployment.create(in: folder.appendingPathComponent("parties"))
        let template = parties({ list in
            list.enumerated().map { index, party in
                var party = party
                switch index {
                case 0: party.removeValue(forKey: "address"); party.removeValue(forKey: "submissionKey")
                case 1: party["address"] = NSNull(); party["submissionKey"] = NSNull()
                default: party["address"] = ""; party["submissionKey"] = ""
                }
                return party
            }
        }, in: try quickstart())
        let study = try StudyPartyKeys.fill(
            definitionAt: write(template, to: folder), partiesFolder: folder.appendingPathComponent("parties").path)
        let configurations = try (1...3).map {
            try JSONDecoder().decode(PartyConfiguration.self, from: Data(contentsOf: folder.appendingPathComponent("parties/party\($0).json")))
        }
        #expect(study.computeParties.map(\.address) == configurations.map(\.listen))
        #expect(study.computeParties.allSatisfy { StudyDefinition.submissionKeyProblem($0.submissionKey) == nil })
        #expect(Set(study.computeParties.map(\.submissionKey)).count == 3)
        #expect(study.computeParties.allSatisfy { $0.certificateFingerprint?.count == 95 })
        #expect(study.validate().isEmpty)
    }

    @Test("every problem at once: each missing party file and each mistake in the definition")
    func allProblemsAtOnce() async throws {
        let folder = try temporaryFolder()
        let partiesFolder = folder.appendingPathComponent("parties")
        _ = try LocalDeployment.create(in: partiesFolder)
        try FileManager.default.removeItem(at: partiesFolder.appendingPathComponent("party2.json"))
        try FileManager.default.removeItem(at: partiesFolder.appendingPathComponent("party3.submission.pem"))
        var template = parties({ $0.map { var party = $0; party.removeValue(forKey: "submissionKey"); return party } }, in: try quickstart())
        template["recipients"] = ["nobody"]
        var statistics = template["statistics"] as! [String: Any]
        statistics["minimumCellSize"] = 0
        template["statistics"] = statistics
        let path = try write(template, to: folder)
        do {
            _ = try StudyPartyKeys.fill(definitionAt: path, partiesFolder: partiesFolder.path)
            Issue.record("expected the problems to be reported")
        } catch let error as StudyProblems {
            let found = error.problems.map(\.description)
            #expect(found.count == 4, "\(found)")
            #expect(found.contains { $0.hasPrefix("compute party 2 (Example Analyst): ") && $0.contains("party2.json") })
            #expect(found.contains { $0.hasPrefix("compute party 3") && $0.contains("party3.submission.pem: there is no such file") })
            #expect(found.contains { $0.contains("\"minimumCellSize\" is 0") })
            #expect(found.contains { $0.contains("names \"nobody\"") })
            // No complaint about the address or key the command fills in.
            #expect(!found.contains { $0.contains("submissionKey") || $0.contains("host:port") })
        }
        // Nothing was written.
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("study.json").path))
    }

    @Test("the command writes the filled definition, which loads")
    func command() async throws {
        let folder = try temporaryFolder()
        _ = try LocalDeployment.create(in: folder.appendingPathComponent("parties"))
        let template = parties({ $0.map { var party = $0; party["address"] = ""; return party } }, in: try quickstart())
        let output = folder.appendingPathComponent("study.json").path
        let command = try KeysCommand.Study.parse([
            "--definition", try write(template, to: folder), "--parties", folder.appendingPathComponent("parties").path, "--output", output,
        ])
        try await command.run()
        #expect(try StudyDefinition.load(from: output).computeParties.allSatisfy { !$0.address.isEmpty })
    }
}
