import CairnStore
import CairnStoreTesting
import CairnStudy
import Foundation
import Testing

/// Every scenario of the store's contract, run against each backend.
enum Scenario: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case createAndReadStudy
    case linksAreUniquePerTag
    case resubmissionReplaces
    case interruptedResubmissionKeepsPrevious
    case retriedRequestChangesNothing
    case replayedSubmissionIsRefused
    case closedStudyIsRefused
    case unknownParticipantIsRefused
    case participationPerCohortAndOverTime
    case pagingLatestEnvelopes
    case concurrentSubmissions

    var testDescription: String { rawValue }

    func run(on store: any StudyStore) async throws {
        switch self {
        case .createAndReadStudy: try await StoreScenarios.createAndReadStudy(store)
        case .linksAreUniquePerTag: try await StoreScenarios.linksAreUniquePerTag(store)
        case .resubmissionReplaces: try await StoreScenarios.resubmissionReplaces(store)
        case .interruptedResubmissionKeepsPrevious: try await StoreScenarios.interruptedResubmissionKeepsPrevious(store)
        case .retriedRequestChangesNothing: try await StoreScenarios.retriedRequestChangesNothing(store)
        case .replayedSubmissionIsRefused: try await StoreScenarios.replayedSubmissionIsRefused(store)
        case .closedStudyIsRefused: try await StoreScenarios.closedStudyIsRefused(store)
        case .unknownParticipantIsRefused: try await StoreScenarios.unknownParticipantIsRefused(store)
        case .participationPerCohortAndOverTime: try await StoreScenarios.participationPerCohortAndOverTime(store)
        case .pagingLatestEnvelopes: try await StoreScenarios.pagingLatestEnvelopes(store)
        case .concurrentSubmissions: try await StoreScenarios.concurrentSubmissions(store)
        }
    }
}

@Suite("Study store")
struct StudyStoreTests {
    @Test("SQLite", arguments: Scenario.allCases)
    func sqlite(_ scenario: Scenario) async throws {
        try await StoreBackend.sqlite.withStore { try await scenario.run(on: $0) }
    }

    @Test(
        "PostgreSQL",
        .enabled(
            if: StoreBackend.postgresURL != nil,
            "PostgreSQL cases are skipped: set CAIRN_TEST_POSTGRES_URL (for example postgres://cairn:cairn@127.0.0.1:5432/cairn_test) to run them"
        ),
        arguments: Scenario.allCases)
    func postgres(_ scenario: Scenario) async throws {
        try await StoreBackend.postgres.withStore { try await scenario.run(on: $0) }
    }

    @Test("SQLite: reopening the store from its folder finds everything")
    func sqlitePersistence() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cairn-store-tests-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var store = try SQLiteStudyStore(directory: directory)
        let id = try await Fixture.populate(store, participants: 3, regions: ["north"])
        try await store.submit(Fixture.request(id, 0, 1))
        try await store.submit(Fixture.request(id, 0, 2))
        try await store.submit(Fixture.request(id, 1, 1))
        try await store.close()

        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(SQLiteStudyStore.fileName).path))
        store = try SQLiteStudyStore(directory: directory)
        #expect(try await store.study(id: id) == Fixture.study(id))
        #expect(try await store.participant(studyID: id, tag: Fixture.tag(id, 2))?.cohortTags == ["region": "north"])
        #expect(try await store.latestSubmission(studyID: id, participant: Fixture.tag(id, 0))?.envelope == Fixture.envelope(0, 2))
        // The parties get each submission with its link's cohorts.
        let delivered = try await store.latestEnvelopes(studyID: id, after: nil, limit: 10).submissions
        #expect(delivered.count == 2 && delivered.allSatisfy { $0.cohortTags == ["region": "north"] })
        #expect(try await store.participationCounts(studyID: id).submitted == 2)
        #expect(try await store.submissionsOverTime(studyID: id, bucket: .day).map(\.submissions) == [3])
        // The retry of a request made before reopening is still recognised.
        #expect(try await store.submit(Fixture.request(id, 1, 1)).isRetry)
        try await store.close()
    }
}

enum StoreScenarios {
    static func createAndReadStudy(_ store: any StudyStore) async throws {
        let id = Fixture.studyID()
        #expect(try await store.study(id: id) == nil)
        try await store.createStudy(Fixture.study(id))
        let study = try #require(try await store.study(id: id))
        #expect(study == Fixture.study(id))
        #expect(study.status == .open)
        #expect(study.closedAt == nil)
        await #expect(throws: StoreError.studyExists(id)) { try await store.createStudy(Fixture.study(id)) }
        await #expect(throws: StoreError.self) { try await store.createStudy(Fixture.study("")) }
    }

    static func linksAreUniquePerTag(_ store: any StudyStore) async throws {
        let id = try await Fixture.populate(store, participants: 2, regions: ["north", "south"])
        let tag = Fixture.tag(id, 0)
        let link = try #require(try await store.participant(studyID: id, tag: tag))
        #expect(link.cohortTags == ["region": "north"])
        #expect(link.createdAt == Fixture.day)
        await #expect(throws: StoreError.participantExists(studyID: id, tagPrefix: tag.description)) {
            try await store.addParticipant(ParticipationLink(studyID: id, participant: tag, cohortTags: ["region": "south"]))
        }
        #expect(try await store.participant(studyID: id, tag: tag)?.cohortTags == ["region": "north"])
        #expect(try await store.participationCounts(studyID: id).linked == 2)
        #expect(link.expiresAt == nil)
        // A link may expire before the study closes (migration v2).
        let expiring = ParticipationLink(
            studyID: id, participant: Fixture.tag(id, 7), createdAt: Fixture.day, expiresAt: Fixture.day.addingTimeInterval(86_400.5))
        try await store.addParticipant(expiring)
        #expect(try await store.participant(studyID: id, tag: Fixture.tag(id, 7)) == expiring)
        // The same tag in another study is another link.
        let other = Fixture.studyID()
        try await store.createStudy(Fixture.study(other))
        try await store.addParticipant(ParticipationLink(studyID: other, participant: tag))
        #expect(try await store.participant(studyID: other, tag: tag)?.cohortTags == [:])
        let unknown = Fixture.studyID()
        await #expect(throws: StoreError.unknownStudy(unknown)) {
            try await store.addParticipant(ParticipationLink(studyID: unknown, participant: tag))
        }
        // A batch is stored whole or not at all: a tag already linked, or given twice, adds none.
        let fresh = (20..<25).map { ParticipationLink(studyID: id, participant: Fixture.tag(id, $0)) }
        for clash in [tag, Fixture.tag(id, 20)] {
            await #expect(throws: StoreError.participantExists(studyID: id, tagPrefix: clash.description)) {
                try await store.addParticipants(fresh + [ParticipationLink(studyID: id, participant: clash)])
            }
            #expect(try await store.participant(studyID: id, tag: Fixture.tag(id, 20)) == nil)
        }
        try await store.addParticipants(fresh)
        try await store.addParticipants([])
        #expect(try await store.participationCounts(studyID: id).linked == 8)
    }

    static func resubmissionReplaces(_ store: any StudyStore) async throws {
        let id = try await Fixture.populate(store, participants: 1)
        let tag = Fixture.tag(id, 0)
        #expect(try await store.latestSubmission(studyID: id, participant: tag) == nil)
        let first = try await store.submit(Fixture.request(id, 0, 1))
        #expect(!first.isRetry)
        #expect(first.submission == 1)
        #expect(try await store.latestSubmission(studyID: id, participant: tag)?.envelope == Fixture.envelope(0, 1))

        let later = Fixture.day.addingTimeInterval(7200)
        try await store.submit(Fixture.request(id, 0, 2, at: later))
        let latest = try #require(try await store.latestSubmission(studyID: id, participant: tag))
        #expect(latest == StoredSubmission(studyID: id, participant: tag, submission: 2, envelope: Fixture.envelope(0, 2), receivedAt: later))
        // Submission numbers may skip.
        try await store.submit(Fixture.request(id, 0, 10, at: later))
        #expect(try await store.latestSubmission(studyID: id, participant: tag)?.submission == 10)

        let counts = try await store.participationCounts(studyID: id)
        #expect(counts.submitted == 1)
        #expect(counts.linked == 1)
        let page = try await store.latestEnvelopes(studyID: id, after: nil, limit: 10)
        #expect(page.submissions.map(\.submission) == [10])
        // The log keeps every accepted submission.
        #expect(try await store.submissionsOverTime(studyID: id, bucket: .day).map(\.submissions) == [3])
    }

    static func retriedRequestChangesNothing(_ store: any StudyStore) async throws {
        let id = try await Fixture.populate(store, participants: 1)
        let tag = Fixture.tag(id, 0)
        let original = try await store.submit(Fixture.request(id, 0, 1, requestID: "A"))
        // The retry arrives later, possibly with a different time: acknowledged as the original.
        // (Other bytes under the same request ID are refused: StoreHardeningTests.)
        let retry = Fixture.request(id, 0, 1, requestID: "A", at: Fixture.day.addingTimeInterval(9000))
        let again = try await store.submit(retry)
        #expect(again.isRetry)
        #expect(again.receivedAt == original.receivedAt)
        #expect(again.submission == 1)
        #expect(try await store.latestSubmission(studyID: id, participant: tag)?.envelope == Fixture.envelope(0, 1))
        #expect(try await store.submissionsOverTime(studyID: id, bucket: .hour).map(\.submissions) == [1])

        try await store.submit(Fixture.request(id, 0, 2, requestID: "B"))
        // A late retry of the first request does not bring it back.
        #expect(try await store.submit(Fixture.request(id, 0, 1, requestID: "A")).isRetry)
        #expect(try await store.latestSubmission(studyID: id, participant: tag)?.submission == 2)
        #expect(try await store.participationCounts(studyID: id).submitted == 1)
        #expect(try await store.submissionsOverTime(studyID: id, bucket: .hour).map(\.submissions) == [2])
        // The same request ID for another submission number is a client's mistake.
        await #expect(throws: StoreError.requestIDReused(requestID: "A", submission: 1)) {
            try await store.submit(Fixture.request(id, 0, 3, requestID: "A"))
        }
        #expect(try await store.latestSubmission(studyID: id, participant: tag)?.submission == 2)
    }

    static func replayedSubmissionIsRefused(_ store: any StudyStore) async throws {
        let id = try await Fixture.populate(store, participants: 1)
        let tag = Fixture.tag(id, 0)
        try await store.submit(Fixture.request(id, 0, 5))
        let before = try await store.latestSubmission(studyID: id, participant: tag)
        await #expect(throws: StoreError.staleSubmission(current: 5)) {
            try await store.submit(Fixture.request(id, 0, 3))
        }
        await #expect(throws: StoreError.staleSubmission(current: 5)) {
            try await store.submit(Fixture.request(id, 0, 5, requestID: "a replay under a new request ID"))
        }
        #expect(try await store.latestSubmission(studyID: id, participant: tag) == before)
        #expect(try await store.submissionsOverTime(studyID: id, bucket: .day).map(\.submissions) == [1])
        // A request refused as stale was not recorded: it is refused again, not acknowledged.
        await #expect(throws: StoreError.staleSubmission(current: 5)) {
            try await store.submit(Fixture.request(id, 0, 3))
        }
    }

    static func closedStudyIsRefused(_ store: any StudyStore) async throws {
        let id = try await Fixture.populate(store, participants: 2)
        try await store.submit(Fixture.request(id, 0, 1))
        let closing = Fixture.day.addingTimeInterval(86_400)
        try await store.closeStudy(id: id, at: closing)
        let study = try #require(try await store.study(id: id))
        #expect(study.status == .closed)
        #expect(study.closedAt == closing)

        await #expect(throws: StoreError.studyClosed(id)) { try await store.submit(Fixture.request(id, 0, 2)) }
        await #expect(throws: StoreError.studyClosed(id)) { try await store.submit(Fixture.request(id, 1, 1)) }
        await #expect(throws: StoreError.studyClosed(id)) {
            try await store.addParticipant(ParticipationLink(studyID: id, participant: Fixture.tag(id, 9)))
        }
        // A retry of a request accepted before closing is still acknowledged.
        #expect(try await store.submit(Fixture.request(id, 0, 1)).isRetry)
        #expect(try await store.latestSubmission(studyID: id, participant: Fixture.tag(id, 0))?.submission == 1)
        #expect(try await store.latestSubmission(studyID: id, participant: Fixture.tag(id, 1)) == nil)
        // Closing again keeps the first closing time.
        try await store.closeStudy(id: id, at: closing.addingTimeInterval(60))
        #expect(try await store.study(id: id)?.closedAt == closing)
        let unknown = Fixture.studyID()
        await #expect(throws: StoreError.unknownStudy(unknown)) { try await store.closeStudy(id: unknown, at: closing) }
    }

    static func unknownParticipantIsRefused(_ store: any StudyStore) async throws {
        let id = try await Fixture.populate(store, participants: 1)
        let stranger = Fixture.tag(id, 99)
        let error = await #expect(throws: StoreError.self) { try await store.submit(Fixture.request(id, 99, 1)) }
        #expect(error == .unknownParticipant(studyID: id, tagPrefix: String(stranger.hex.prefix(8))))
        // The message names the participant by a short prefix only.
        let message = try #require(error).description
        #expect(message.contains(String(stranger.hex.prefix(8))))
        #expect(!message.contains(stranger.hex))
        #expect(try await store.latestSubmission(studyID: id, participant: stranger) == nil)
        #expect(try await store.participationCounts(studyID: id).submitted == 0)

        let unknown = Fixture.studyID()
        await #expect(throws: StoreError.unknownStudy(unknown)) { try await store.submit(Fixture.request(unknown, 0, 1)) }
        await #expect(throws: StoreError.self) { try await store.submit(Fixture.request(id, 0, 1, requestID: "")) }
    }

    static func participationPerCohortAndOverTime(_ store: any StudyStore) async throws {
        let id = try await Fixture.populate(store, participants: 6, regions: ["north", "south", "east"])
        // Participants 0 and 3 are north, 1 and 4 south, 2 and 5 east.
        let hour: TimeInterval = 3600
        try await store.submit(Fixture.request(id, 0, 1, at: Fixture.day.addingTimeInterval(10 * hour)))
        try await store.submit(Fixture.request(id, 3, 1, at: Fixture.day.addingTimeInterval(10 * hour + 1800)))
        try await store.submit(Fixture.request(id, 1, 1, at: Fixture.day.addingTimeInterval(12 * hour)))
        try await store.submit(Fixture.request(id, 0, 2, at: Fixture.day.addingTimeInterval(12 * hour + 60)))
        try await store.submit(Fixture.request(id, 4, 1, at: Fixture.day.addingTimeInterval(30 * hour)))

        let counts = try await store.participationCounts(studyID: id)
        #expect(counts == ParticipationCounts(linked: 6, submitted: 4, byCohort: ["region": ["north": 2, "south": 2]]))
        // The parties get each latest envelope with its link's cohorts.
        let delivered = try await store.latestEnvelopes(studyID: id, after: nil, limit: 10).submissions
        let regions = Dictionary(uniqueKeysWithValues: delivered.map { ($0.participant, $0.cohortTags["region"]) })
        #expect(regions == [
            Fixture.tag(id, 0): "north", Fixture.tag(id, 3): "north", Fixture.tag(id, 1): "south", Fixture.tag(id, 4): "south",
        ])

        let days = try await store.submissionsOverTime(studyID: id, bucket: .day)
        #expect(days == [
            ParticipationBucket(start: Fixture.day, submissions: 4, participants: 3),
            ParticipationBucket(start: Fixture.day.addingTimeInterval(24 * hour), submissions: 1, participants: 1),
        ])
        let hours = try await store.submissionsOverTime(studyID: id, bucket: .hour)
        #expect(hours == [
            ParticipationBucket(start: Fixture.day.addingTimeInterval(10 * hour), submissions: 2, participants: 2),
            ParticipationBucket(start: Fixture.day.addingTimeInterval(12 * hour), submissions: 2, participants: 2),
            ParticipationBucket(start: Fixture.day.addingTimeInterval(30 * hour), submissions: 1, participants: 1),
        ])

        let empty = try await Fixture.populate(store, participants: 1)
        #expect(try await store.participationCounts(studyID: empty) == ParticipationCounts(linked: 1, submitted: 0, byCohort: [:]))
        #expect(try await store.submissionsOverTime(studyID: empty, bucket: .day) == [])
    }

    static func pagingLatestEnvelopes(_ store: any StudyStore) async throws {
        let id = try await Fixture.populate(store, participants: 25)
        for participant in 0..<25 {
            try await store.submit(Fixture.request(id, participant, 1))
            if participant.isMultiple(of: 3) { try await store.submit(Fixture.request(id, participant, 2)) }
        }
        // A participant of another study is never listed.
        let other = try await Fixture.populate(store, participants: 1)
        try await store.submit(Fixture.request(other, 0, 1))

        func all(limit: Int) async throws -> (pages: Int, submissions: [StoredSubmission]) {
            var cursor: EnvelopeCursor?
            var submissions: [StoredSubmission] = []
            var pages = 0
            repeat {
                let page = try await store.latestEnvelopes(studyID: id, after: cursor, limit: limit)
                #expect(page.submissions.count <= limit)
                submissions += page.submissions
                pages += 1
                cursor = page.next
            } while cursor != nil
            return (pages, submissions)
        }
        let (pages, submissions) = try await all(limit: 7)
        #expect(pages == 4)
        #expect(submissions.count == 25)
        #expect(Set(submissions.map(\.participant)).count == 25)
        #expect(Set(submissions.map(\.participant)) == Set((0..<25).map { Fixture.tag(id, $0) }))
        #expect(submissions.allSatisfy { $0.studyID == id })
        let tags = submissions.map(\.participant.bytes)
        #expect(tags == tags.sorted { $0.lexicographicallyPrecedes($1) })
        for participant in 0..<25 {
            let expected: UInt32 = participant.isMultiple(of: 3) ? 2 : 1
            let stored = submissions.first { $0.participant == Fixture.tag(id, participant) }
            #expect(stored?.submission == expected)
            #expect(stored?.envelope == Fixture.envelope(participant, expected))
        }
        // Stable: the same order again, whatever the page size.
        #expect(try await all(limit: 7).submissions == submissions)
        #expect(try await all(limit: 25).pages == 1)
        #expect(try await all(limit: 100).submissions == submissions)
        await #expect(throws: StoreError.self) { try await store.latestEnvelopes(studyID: id, after: nil, limit: 0) }
        // A cursor survives a round trip through JSON (the service hands it to the parties).
        let page = try await store.latestEnvelopes(studyID: id, after: nil, limit: 5)
        let cursor = try #require(page.next)
        let decoded = try JSONDecoder().decode(EnvelopeCursor.self, from: JSONEncoder().encode(cursor))
        #expect(try await store.latestEnvelopes(studyID: id, after: decoded, limit: 5).submissions == Array(submissions[5..<10]))
    }

    static func concurrentSubmissions(_ store: any StudyStore) async throws {
        let participants = 50
        let id = try await Fixture.populate(store, participants: participants)
        var requests: [SubmissionRequest] = []
        for participant in 0..<participants {
            for submission in UInt32(1)...4 { requests.append(Fixture.request(id, participant, submission)) }
        }
        requests.shuffle()
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for request in requests {
                group.addTask {
                    do {
                        try await store.submit(request)
                        return true
                    } catch StoreError.staleSubmission(let current) {
                        #expect(current >= request.submission)
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.count == 200)
        let accepted = outcomes.filter { $0 }.count
        #expect(accepted >= participants)

        for participant in 0..<participants {
            let latest = try await store.latestSubmission(studyID: id, participant: Fixture.tag(id, participant))
            #expect(latest?.submission == 4)
            #expect(latest?.envelope == Fixture.envelope(participant, 4))
        }
        #expect(try await store.participationCounts(studyID: id).submitted == participants)
        #expect(try await store.submissionsOverTime(studyID: id, bucket: .day).map(\.submissions) == [accepted])
        #expect(try await store.latestEnvelopes(studyID: id, after: nil, limit: 1000).submissions.count == participants)
    }
}
