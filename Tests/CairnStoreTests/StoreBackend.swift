import CairnStore
import CairnStudy
import Foundation

/// The store implementations the suite runs against.
enum StoreBackend: String, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    /// Set to run the PostgreSQL cases, for example
    /// `CAIRN_TEST_POSTGRES_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn_test`.
    static let postgresURL: String? = {
        let value = ProcessInfo.processInfo.environment["CAIRN_TEST_POSTGRES_URL"]
        return value?.isEmpty == false ? value : nil
    }()

    var description: String { self == .sqlite ? "SQLite" : "PostgreSQL" }

    /// Opens a fresh store (SQLite: a new temporary folder; PostgreSQL: the shared test database,
    /// in which every test uses its own study IDs), runs `body`, and closes the store.
    func withStore<T>(_ body: (any StudyStore) async throws -> T) async throws -> T {
        let store: any StudyStore
        var folder: URL?
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("cairn-store-tests-\(UUID().uuidString)", isDirectory: true)
            folder = directory
            store = try SQLiteStudyStore(directory: directory)
        case .postgres:
            guard let url = Self.postgresURL else { throw StoreError.invalidArgument("CAIRN_TEST_POSTGRES_URL is not set") }
            store = try await PostgresStudyStore(url: url, maximumConnections: 4)
        }
        defer { if let folder { try? FileManager.default.removeItem(at: folder) } }
        do {
            let value = try await body(store)
            try await store.close()
            return value
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// Test data.
enum Fixture {
    /// A fresh study ID, so that tests never share a study (the PostgreSQL database is shared).
    static func studyID() -> String { "test-\(UUID().uuidString.lowercased())" }

    /// Midnight UTC, 2023-11-14.
    static let day = Date(timeIntervalSince1970: 1_699_920_000)

    static func study(_ id: String) -> StudyRecord {
        StudyRecord(
            id: id, definition: Data(#"{"id":"\#(id)","title":"Test"}"#.utf8),
            analystCredentialHash: Data((0..<32).map { UInt8($0) }), createdAt: day)
    }

    static func tag(_ studyID: String, _ number: Int) -> ParticipantTag {
        ParticipantTag(studyID: studyID, participationCode: "code-\(number)")
    }

    static func envelope(_ participant: Int, _ submission: UInt32) -> Data {
        Data(#"{"participant":\#(participant),"submission":\#(submission)}"#.utf8)
    }

    static func request(
        _ studyID: String, _ participant: Int, _ submission: UInt32, requestID: String? = nil,
        at time: Date = day.addingTimeInterval(3600)
    ) -> SubmissionRequest {
        SubmissionRequest(
            studyID: studyID, participant: tag(studyID, participant), submission: submission,
            envelope: envelope(participant, submission), requestID: requestID ?? "request-\(participant)-\(submission)",
            receivedAt: time)
    }

    /// Creates a study with `participants` linked participants (cohort `region` from `regions`).
    static func populate(
        _ store: any StudyStore, participants: Int, regions: [String] = []
    ) async throws -> String {
        let id = studyID()
        try await store.createStudy(study(id))
        for number in 0..<participants {
            let cohorts = regions.isEmpty ? [:] : ["region": regions[number % regions.count]]
            try await store.addParticipant(
                ParticipationLink(studyID: id, participant: tag(id, number), cohortTags: cohorts, createdAt: day))
        }
        return id
    }
}
