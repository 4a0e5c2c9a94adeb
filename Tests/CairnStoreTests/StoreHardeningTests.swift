@testable import CairnStore
import CairnStoreTesting
import CairnStudy
import Foundation
import GRDB
import Testing

/// Durability, file modes, the PostgreSQL TLS default and request IDs reused with other content
/// (issue 10).
@Suite("Study store: hardening")
struct StoreHardeningTests {
    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("cairn-store-hardening-\(UUID().uuidString)", isDirectory: true)
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int) & 0o777
    }

    @Test("SQLite commits with synchronous = FULL on every connection")
    func synchronousFull() async throws {
        let directory = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStudyStore(directory: directory)
        // 2 is FULL (0 OFF, 1 NORMAL, 3 EXTRA).
        #expect(try await store.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
        #expect(try await store.pool.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
        try await store.close()
    }

    @Test("SQLite: the data folder is 0700 and the database files 0600, also when they existed before")
    func fileModes() async throws {
        let directory = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent(SQLiteStudyStore.fileName).path

        var store = try SQLiteStudyStore(directory: directory)
        let id = try await Fixture.populate(store, participants: 1)
        try await store.submit(Fixture.request(id, 0, 1))
        #expect(try Self.mode(directory.path) == 0o700)
        for path in [database, database + "-wal", database + "-shm"] {
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(try Self.mode(path) == 0o600, "\(path)")
        }
        try await store.close()

        // An older Cairn left them readable by everyone: reopening takes that away.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: database)
        store = try SQLiteStudyStore(directory: directory)
        #expect(try Self.mode(directory.path) == 0o700)
        #expect(try Self.mode(database) == 0o600)
        try await store.close()
    }

    @Test("PostgreSQL: TLS is required unless sslmode=disable is asked for")
    func sslModeDefault() throws {
        #expect(try PostgresStudyStore.endpoint(url: "postgres://cairn:pw@db.example.org/cairn").sslMode == "require")
        #expect(
            try PostgresStudyStore.endpoint(url: "postgres://cairn:pw@db.example.org/cairn?sslmode=disable").sslMode
                == "disable")
    }

    @Test("A request ID reused with other content is refused, and the retry with the same content still works",
          arguments: StoreBackend.available)
    func requestIDWithOtherContent(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await Fixture.populate(store, participants: 1)
            let original = Fixture.request(id, 0, 1, requestID: "key-1")
            #expect(try await store.submit(original).isRetry == false)

            var forged = original
            forged.envelope = Data(#"{"participant":0,"submission":1,"other":true}"#.utf8)
            await #expect(throws: StoreError.requestIDReusedWithOtherContent(requestID: "key-1", submission: 1)) {
                try await store.submit(forged)
            }
            #expect(try await store.latestSubmission(studyID: id, participant: Fixture.tag(id, 0))?.envelope == original.envelope)
            #expect(try await store.submit(original).isRetry)
        }
    }

    @Test("concurrent submissions, some refused, each get their own outcome (SQLite group commit)")
    func groupCommitOutcomes() async throws {
        try await StoreBackend.sqlite.withStore { store in
            let id = try await Fixture.populate(store, participants: 40)
            // Participants 0..<40 are linked, 40..<50 are not; each linked one submits 1, and again 1 (stale or retry).
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for participant in 0..<50 {
                    group.addTask {
                        do {
                            _ = try await store.submit(Fixture.request(id, participant, 1))
                            return (participant, true)
                        } catch let error as StoreError {
                            #expect(error == .unknownParticipant(id, Fixture.tag(id, participant)))
                            return (participant, false)
                        }
                    }
                }
                var outcomes: [Int: Bool] = [:]
                for try await (participant, accepted) in group { outcomes[participant] = accepted }
                return outcomes
            }
            #expect((0..<50).allSatisfy { outcomes[$0] == ($0 < 40) })
            #expect(try await store.participationCounts(studyID: id).submitted == 40)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for participant in 0..<40 {
                    group.addTask {
                        await #expect(throws: StoreError.staleSubmission(current: 1)) {
                            try await store.submit(Fixture.request(id, participant, 1, requestID: "again-\(participant)"))
                        }
                        let receipt = try await store.submit(Fixture.request(id, participant, 2))
                        #expect(receipt.isRetry == false)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.latestEnvelopes(studyID: id, after: nil, limit: 100).submissions.allSatisfy { $0.submission == 2 })
        }
    }
}
