import CairnAnalytics
import CairnArithmetic
import CairnClient
import CairnMPC
import CairnStudy
import Foundation
import Synchronization
import Testing
@testable import CairnCommands

/// At close, the parties count only submissions from participants the analyst issued, each once:
/// a dishonest service that adds contributors of its own or delivers one twice is caught, and the
/// analyst's party says so. The three parties run their real agreement and computation in this
/// process, over in-memory transports, with the deliveries a dishonest service would make.
@Suite("Only issued participants, each once, count at close")
struct AcceptanceTests {
    /// One in-memory network per protocol session.
    struct Sessions: SessionTransports {
        let networks: [UInt64: InProcessNetwork]
        let party: PartyIndex
        func transport(session: UInt64) -> any Transport { networks[session]!.transport(for: party) }
    }

    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func add(_ line: String) { lines.withLock { $0.append(line) } }
    }

    @Test("an injected submission (tag never issued) and a replayed tag are left out and reported; the rest equals the cleartext")
    func injectedAndReplayed() async throws {
        var definition = try StudyDefinition.load(
            from: StudyProcessTests.packageRoot.appendingPathComponent("examples/quickstart.json").path)
        let keys = definition.computeParties.map { _ in SubmissionPrivateKey.generate() }
        for k in definition.computeParties.indices { definition.computeParties[k].submissionKey = keys[k].publicKey.base64 }
        definition.statistics.minimumCellSize = 1
        let bytes = try definition.jsonData()

        var generator = SplitMix64(seed: 77)
        let simulated = SimulatedTables(definition: definition)
        let issuedCodes = (0..<6).map { _ in ParticipationCode.generate() }
        let issued = IssuedParticipants(tags: Set(issuedCodes.map { ParticipantTag(studyID: definition.id, participationCode: $0) }))
        // What the service delivers: the six issued contributors, one of them twice (a replay),
        // and two contributors it made up.
        var deliveries = issuedCodes.map { ParticipantTag(studyID: definition.id, participationCode: $0) }
        deliveries.append(deliveries[2])
        deliveries += (0..<2).map { _ in ParticipantTag(studyID: definition.id, participationCode: ParticipationCode.generate()) }
        let vectors = try deliveries.map { _ in try definition.cellVector(for: simulated.make(using: &generator)) }
        let shares: [[[UInt64]]] = vectors.map { vector in
            let first = vector.map { _ in generator.next() }, second = vector.map { _ in generator.next() }
            return [first, second, zip(vector, zip(first, second)).map { $0 &- $1.0 &- $1.1 }]
        }

        let (study, delivered) = (definition, deliveries)
        let networks: [UInt64: InProcessNetwork] = [1: InProcessNetwork(), 2: InProcessNetwork()]
        let logs = Lines()
        let recipient = try StudyComputeJob.recipient(of: definition)
        let outcomes = try await withThrowingTaskGroup(of: (PartyIndex, (results: StudyResults, contributors: Int)?).self) { group in
            for party in PartyIndex.all {
                group.addTask {
                    let service = ServiceClient(baseURL: "http://127.0.0.1:9")
                    let job = StudyComputeJob(
                        service: service, studyID: study.id, me: party, key: keys[party.rawValue], definitionBytes: bytes,
                        definitionSource: "study.json", issued: party == recipient ? issued : nil,
                        log: { line in logs.add("\(party): \(line)") },
                        progress: ProgressReporter(service: service, studyID: study.id, party: party.rawValue, log: { _ in }))
                    let prepared = StudyComputeJob.Prepared(
                        definition: study, digest: DefinitionDigest(of: bytes), serviceMismatch: nil,
                        records: delivered.map { ($0, 1) }, linkGroups: delivered.map { _ in [] },
                        shares: shares.map { $0[party.rawValue] })
                    return (party, try await job.compute(prepared, network: Sessions(networks: networks, party: party)))
                }
            }
            var outcomes: [PartyIndex: (results: StudyResults, contributors: Int)?] = [:]
            for try await (party, outcome) in group { outcomes[party] = outcome }
            return outcomes
        }
        let outcome = try #require(outcomes[recipient] ?? nil)
        // Five issued contributors delivered once each: the replayed one counts for nothing.
        #expect(outcome.contributors == 5)
        let honest = [0, 1, 3, 4, 5].map { vectors[$0] }
        #expect(outcome.results == StudyComputation(definition: definition).reference(vectors: honest))
        let said = logs.all.filter { $0.hasPrefix("\(recipient):") }
        #expect(said.contains { $0.contains("the service delivered 2 submissions from participants the analyst never issued; they were left out") }, "\(said)")
        #expect(said.contains { $0.contains("the service delivered 2 submissions under participant tags it delivered more than once; they were left out") }, "\(said)")
    }

    @Test("the analyst's party refuses to start without the list of issued participants")
    func recipientNeedsTheList() async throws {
        let definition = try StudyDefinition.load(
            from: StudyProcessTests.packageRoot.appendingPathComponent("examples/quickstart.json").path)
        let recipient = try StudyComputeJob.recipient(of: definition)
        let service = ServiceClient(baseURL: "http://127.0.0.1:9")
        let job = StudyComputeJob(
            service: service, studyID: definition.id, me: recipient, key: SubmissionPrivateKey.generate(),
            definitionBytes: try definition.jsonData(), definitionSource: "study.json", issued: nil, log: { _ in },
            progress: ProgressReporter(service: service, studyID: definition.id, party: recipient.rawValue, log: { _ in }))
        await #expect(throws: JobError.self) { _ = try await job.prepare(waitUntilClosed: false) }
    }
}
