import CairnStudy
import Foundation
import GRDB
import PostgresNIO
import Testing

@testable import CairnStore

/// Makes every insert into the participation log of one study fail, as if the service were
/// interrupted half-way through a submission (after the envelope was written, before the log was).
enum FaultInjection {
    static func failLogInserts(_ store: any StudyStore, studyID: String) async throws {
        // Study IDs in the tests are "test-" and a UUID: safe to write into SQL.
        precondition(studyID.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" })
        let trigger = "interrupt_" + studyID.replacingOccurrences(of: "-", with: "_")
        if let sqlite = store as? SQLiteStudyStore {
            try await sqlite.pool.write { db in
                try db.execute(
                    sql: """
                        CREATE TRIGGER \(trigger) BEFORE INSERT ON submission_log
                        WHEN NEW.study_id = '\(studyID)'
                        BEGIN SELECT RAISE(ABORT, 'interrupted for a test'); END
                        """)
            }
        } else if let postgres = store as? PostgresStudyStore {
            try await postgres.client.query(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE OR REPLACE FUNCTION cairn_test_interrupt() RETURNS trigger AS $$
                        BEGIN RAISE EXCEPTION 'interrupted for a test'; END $$ LANGUAGE plpgsql
                        """))
            try await postgres.client.query(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE TRIGGER \(trigger) BEFORE INSERT ON submission_log FOR EACH ROW
                        WHEN (NEW.study_id = '\(studyID)') EXECUTE FUNCTION cairn_test_interrupt()
                        """))
        } else {
            Issue.record("no fault injection for \(type(of: store))")
        }
    }

    static func restoreLogInserts(_ store: any StudyStore, studyID: String) async throws {
        let trigger = "interrupt_" + studyID.replacingOccurrences(of: "-", with: "_")
        if let sqlite = store as? SQLiteStudyStore {
            try await sqlite.pool.write { db in try db.execute(sql: "DROP TRIGGER \(trigger)") }
        } else if let postgres = store as? PostgresStudyStore {
            try await postgres.client.query(PostgresQuery(unsafeSQL: "DROP TRIGGER \(trigger) ON submission_log"))
        }
    }
}

extension StoreScenarios {
    static func interruptedResubmissionKeepsPrevious(_ store: any StudyStore) async throws {
        let id = try await Fixture.populate(store, participants: 2)
        let tag = Fixture.tag(id, 0)
        try await store.submit(Fixture.request(id, 0, 1))
        let before = try await store.latestSubmission(studyID: id, participant: tag)

        try await FaultInjection.failLogInserts(store, studyID: id)
        let error = await #expect(throws: StoreError.self) { try await store.submit(Fixture.request(id, 0, 2)) }
        guard case .database = error else {
            Issue.record("expected a database error, got \(String(describing: error))")
            return
        }
        await #expect(throws: StoreError.self) { try await store.submit(Fixture.request(id, 1, 1)) }
        // Nothing of the interrupted submissions remains: the previous one is still in force.
        #expect(try await store.latestSubmission(studyID: id, participant: tag) == before)
        #expect(try await store.latestSubmission(studyID: id, participant: Fixture.tag(id, 1)) == nil)
        #expect(try await store.participationCounts(studyID: id).submitted == 1)
        try await FaultInjection.restoreLogInserts(store, studyID: id)

        // The interrupted request was not recorded: sent again, it is accepted, not taken for a retry.
        let receipt = try await store.submit(Fixture.request(id, 0, 2))
        #expect(!receipt.isRetry)
        #expect(try await store.latestSubmission(studyID: id, participant: tag)?.submission == 2)
        #expect(try await store.submissionsOverTime(studyID: id, bucket: .day).map(\.submissions) == [2])
    }
}

@Suite("SQLite store: files")
struct SQLiteFileTests {
    @Test("the database is in WAL mode, in the folder it was given")
    func walMode() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cairn-store-tests-\(UUID().uuidString)/nested/data", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent().deletingLastPathComponent()) }
        let store = try SQLiteStudyStore(directory: directory)
        let mode = try await store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(SQLiteStudyStore.fileName).path))
        try await store.close()
    }
}
