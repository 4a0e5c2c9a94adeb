import CairnStudy
import GRDB

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The embedded store: one SQLite database in a data directory, opened as a GRDB `DatabasePool`
/// (WAL mode: readers never block the writer). Writes are serialised by the pool, and each
/// operation is one transaction.
///
/// Durability: `synchronous = FULL`, so that a transaction is on disk when it commits (a receipt
/// means the submission survives a power failure; GRDB's WAL default, `NORMAL`, may lose the
/// last transactions). Privacy: the data folder is made `0700` and the database files `0600`
/// (SQLite gives the `-wal` and `-shm` files the database file's mode).
public final class SQLiteStudyStore: StudyStore {
    /// The database file's name inside the data directory.
    public static let fileName = "cairn-store.sqlite"

    let pool: DatabasePool
    let groupCommit: SubmissionGroupCommit

    /// Opens (creating the directory and database if needed) the store in `directory`, and
    /// brings its schema up to date.
    public init(directory: URL) throws {
        let path = directory.appendingPathComponent(Self.fileName).path
        try Self.prepareFiles(directory: directory, databasePath: path)
        var configuration = Configuration()
        configuration.label = "CairnStore"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // The pool turns its writer to NORMAL once WAL is set up, after `prepareDatabase`.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            try Self.migrator.migrate(pool)
            groupCommit = SubmissionGroupCommit(pool: pool)
        } catch let error as DatabaseError {
            throw StoreError.unavailable(Self.describe(error))
        }
    }

    /// Creates the data folder (`0700`) and the database file (`0600`) if they do not exist, and
    /// takes away group and other access from existing ones (an older Cairn left them `0755` and
    /// `0644`).
    static func prepareFiles(directory: URL, databasePath: String) throws {
        let files = FileManager.default
        do {
            try files.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        } catch {
            throw StoreError.unavailable(
                "the data directory \(directory.path) could not be created or made private to its owner")
        }
        if !files.fileExists(atPath: databasePath) {
            guard files.createFile(atPath: databasePath, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw StoreError.unavailable("the database file \(databasePath) could not be created")
            }
        }
        for path in [databasePath, databasePath + "-wal", databasePath + "-shm"] where files.fileExists(atPath: path) {
            do {
                try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            } catch {
                throw StoreError.unavailable("the database file \(path) could not be made private to its owner")
            }
        }
    }

    /// The schema's migrations. Registered once, in order; never edit a migration that has
    /// shipped: add the next one instead.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE studies (
                        id TEXT PRIMARY KEY NOT NULL,
                        definition BLOB NOT NULL,
                        analyst_credential_hash BLOB NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
                        created_at INTEGER NOT NULL,
                        closed_at INTEGER
                    );
                    CREATE TABLE participation_links (
                        study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
                        participant BLOB NOT NULL CHECK (length(participant) = 32),
                        cohort_tags TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (study_id, participant)
                    );
                    CREATE TABLE submissions (
                        study_id TEXT NOT NULL,
                        participant BLOB NOT NULL,
                        submission_number INTEGER NOT NULL,
                        envelope BLOB NOT NULL,
                        request_id TEXT NOT NULL,
                        received_at INTEGER NOT NULL,
                        PRIMARY KEY (study_id, participant),
                        FOREIGN KEY (study_id, participant)
                            REFERENCES participation_links(study_id, participant) ON DELETE CASCADE
                    );
                    CREATE TABLE submission_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        study_id TEXT NOT NULL,
                        participant BLOB NOT NULL,
                        submission_number INTEGER NOT NULL,
                        request_id TEXT NOT NULL,
                        received_at INTEGER NOT NULL,
                        UNIQUE (study_id, participant, request_id),
                        FOREIGN KEY (study_id, participant)
                            REFERENCES participation_links(study_id, participant) ON DELETE CASCADE
                    );
                    CREATE INDEX submission_log_time ON submission_log(study_id, received_at);
                    """)
        }
        // v2: participation links may expire before the study closes.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: "ALTER TABLE participation_links ADD COLUMN expires_at INTEGER")
        }
        // v3: the log keeps each envelope's SHA-256, so that a request ID reused with other
        // content is refused rather than acknowledged as a retry.
        migrator.registerMigration("v3") { db in
            try db.execute(sql: "ALTER TABLE submission_log ADD COLUMN envelope_digest BLOB")
        }
        return migrator
    }

    // MARK: Studies

    public func createStudy(_ study: StudyRecord) async throws {
        try StoreError.validate(studyID: study.id)
        try await write { db in
            guard try StudyRow.fetchOne(db, key: study.id) == nil else { throw StoreError.studyExists(study.id) }
            try StudyRow(study).insert(db)
        }
    }

    public func study(id: String) async throws -> StudyRecord? {
        try await read { db in
            try StudyRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM studies WHERE id = ?"), arguments: [id])?.record()
        }
    }

    public func closeStudy(id: String, at time: Date) async throws {
        try await write { db in
            guard let row = try StudyRow.fetchOne(db, key: id) else { throw StoreError.unknownStudy(id) }
            guard row.status == StudyStatus.open.rawValue else { return }
            try db.execute(
                sql: "UPDATE studies SET status = 'closed', closed_at = ? WHERE id = ?",
                arguments: [time.millisecondsSince1970, id])
        }
    }

    // MARK: Participants

    public func addParticipants(_ links: [ParticipationLink]) async throws {
        guard let studyID = links.first?.studyID else { return }
        try StoreError.validate(studyID: studyID)
        precondition(links.allSatisfy { $0.studyID == studyID }, "addParticipants takes the links of one study")
        try await write { db in
            guard let study = try StudyRow.fetchOne(db, key: studyID) else {
                throw StoreError.unknownStudy(studyID)
            }
            guard study.status == StudyStatus.open.rawValue else { throw StoreError.studyClosed(studyID) }
            for link in links {
                do {
                    try ParticipationLinkRow(link).insert(db)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                    // The transaction is rolled back: none of the links is added.
                    throw StoreError.participantExists(studyID, link.participant)
                }
            }
        }
    }

    public func participant(studyID: String, tag: ParticipantTag) async throws -> ParticipationLink? {
        try await read { db in
            try ParticipationLinkRow.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM participation_links WHERE study_id = ? AND participant = ?"),
                arguments: [studyID, Data(tag.bytes)]
            )?.link()
        }
    }

    // MARK: Submissions

    /// Concurrent submissions share one transaction (``SubmissionGroupCommit``): with
    /// `synchronous = FULL` each commit waits for the disk, and one wait for a group keeps ingest
    /// above 1,000 submissions a second.
    @discardableResult
    public func submit(_ request: SubmissionRequest) async throws -> SubmissionReceipt {
        try StoreError.validate(request)
        return try await groupCommit.submit(request)
    }

    /// Applies one submission inside the caller's transaction.
    static func apply(_ request: SubmissionRequest, in db: Database) throws -> SubmissionReceipt {
        let tag = Data(request.participant.bytes)
        // Cached statements: this runs for every submission.
        let status = try String.fetchOne(
            db.cachedStatement(sql: "SELECT status FROM studies WHERE id = ?"), arguments: [request.studyID])
        let linked = try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM participation_links WHERE study_id = ? AND participant = ?"),
            arguments: [request.studyID, tag]) ?? false
        let logged = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT submission_number, received_at, envelope_digest FROM submission_log
                    WHERE study_id = ? AND participant = ? AND request_id = ?
                    """),
            arguments: [request.studyID, tag, request.requestID])
        let current = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT submission_number FROM submissions WHERE study_id = ? AND participant = ?"),
            arguments: [request.studyID, tag])
        let decision = try StoreLogic.decide(
            request, status: try status.map(StoreLogic.status), linked: linked,
            logged: try logged.map { row throws(StoreError) in
                (submission: try StoreLogic.submissionNumber(row["submission_number"]),
                 receivedAt: Date(millisecondsSince1970: row["received_at"]),
                 envelopeDigest: row["envelope_digest"] as Data?)
            },
            current: try current.map(StoreLogic.submissionNumber))
        switch decision {
        case .retry(let receipt):
            return receipt
        case .accept:
            try SubmissionRow(request).upsert(db)
            try SubmissionLogRow(request).insert(db)
            return StoreLogic.receipt(for: request)
        }
    }

    public func latestSubmission(studyID: String, participant: ParticipantTag) async throws -> StoredSubmission? {
        try await read { db in
            try SubmissionRow.fetchOne(
                db, key: ["study_id": studyID, "participant": Data(participant.bytes)]
            )?.stored()
        }
    }

    // MARK: Queries

    public func participationCounts(studyID: String) async throws -> ParticipationCounts {
        try await read { db in
            guard try StudyRow.fetchOne(db, key: studyID) != nil else { throw StoreError.unknownStudy(studyID) }
            let linked = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM participation_links WHERE study_id = ?", arguments: [studyID]) ?? 0
            let tags = try String.fetchAll(
                db,
                sql: """
                    SELECT l.cohort_tags FROM participation_links l
                    JOIN submissions s ON s.study_id = l.study_id AND s.participant = l.participant
                    WHERE l.study_id = ?
                    """,
                arguments: [studyID])
            return ParticipationCounts(linked: linked, submitted: tags.count, byCohort: try StoreLogic.cohortCounts(tags))
        }
    }

    public func submissionsOverTime(studyID: String, bucket: TimeBucket) async throws -> [ParticipationBucket] {
        let width = bucket.milliseconds
        return try await read { db in
            guard try StudyRow.fetchOne(db, key: studyID) != nil else { throw StoreError.unknownStudy(studyID) }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT (received_at / ?) * ? AS bucket, COUNT(*) AS submissions,
                           COUNT(DISTINCT participant) AS participants
                    FROM submission_log WHERE study_id = ?
                    GROUP BY bucket ORDER BY bucket
                    """,
                arguments: [width, width, studyID]
            ).map { row in
                ParticipationBucket(
                    start: Date(millisecondsSince1970: row["bucket"]), submissions: row["submissions"],
                    participants: row["participants"])
            }
        }
    }

    public func latestEnvelopes(studyID: String, after cursor: EnvelopeCursor?, limit: Int) async throws -> EnvelopePage {
        try StoreError.validate(limit: limit)
        let after = Data(cursor?.after.bytes ?? [])
        return try await read { db in
            guard try StudyRow.fetchOne(db, key: studyID) != nil else { throw StoreError.unknownStudy(studyID) }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.*, l.cohort_tags FROM submissions s
                    JOIN participation_links l ON l.study_id = s.study_id AND l.participant = s.participant
                    WHERE s.study_id = ? AND s.participant > ?
                    ORDER BY s.participant LIMIT ?
                    """,
                arguments: [studyID, after, limit + 1])
            let page = try rows.prefix(limit).map { row throws in
                var stored = try SubmissionRow(row: row).stored()
                stored.cohortTags = try StoreLogic.decodeCohortTags(row["cohort_tags"] ?? "{}")
                return stored
            }
            return EnvelopePage(
                submissions: page, next: rows.count > limit ? page.last.map { EnvelopeCursor(after: $0.participant) } : nil)
        }
    }

    public func close() async throws {
        try pool.close()
    }

    // MARK: Helpers

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as DatabaseError {
            throw StoreError.database(Self.describe(error))
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as DatabaseError {
            throw StoreError.database(Self.describe(error))
        }
    }

    /// SQLite's message without the statement or its arguments (which could hold envelope bytes).
    static func describe(_ error: DatabaseError) -> String {
        "SQLite error \(error.resultCode.rawValue): \(error.message ?? "no message")"
    }
}
