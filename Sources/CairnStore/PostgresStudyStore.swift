import CairnStudy
import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The store in a PostgreSQL database, through postgres-nio's `PostgresClient` (a connection
/// pool). The store runs the client in a task it owns, until ``close()``.
///
/// Concurrent submissions for one participant are serialised by locking the participant's link
/// row (`FOR UPDATE`); closing a study waits for submissions in progress (they hold the study row
/// `FOR SHARE`).
public final class PostgresStudyStore: StudyStore {
    let client: PostgresClient
    let runTask: Task<Void, Never>
    let logger: Logger

    /// Connects to `url` (`postgres://user:password@host:port/database`, optionally
    /// `?sslmode=disable|prefer|require`; `require` by default, unlike libpq's `prefer`: a password
    /// and envelopes never cross the network in the clear unless `sslmode=disable` is asked for) and brings the schema up
    /// to date.
    ///
    /// - Parameters:
    ///   - maximumConnections: the largest number of connections the store opens.
    ///   - openTimeout: how long to wait for the server before giving up with
    ///     ``StoreError/unavailable(_:)`` (the client itself would keep retrying).
    ///   - password: the password, when it is kept off the URL (read from a file or an environment
    ///     variable, so that it never appears on a command line); it replaces any in the URL.
    public init(
        url: String, password: String? = nil, maximumConnections: Int = 20, openTimeout: Duration = .seconds(15)
    ) async throws {
        var configuration = try Self.configuration(url: url, password: password)
        configuration.options.maximumConnections = max(1, maximumConnections)
        var logger = Logger(label: "CairnStore.Postgres")
        logger.logLevel = .warning
        try await Self.probe(url: url, password: password, logger: logger)
        self.logger = logger
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        // `Task.immediate` runs until `run()` has marked the client as running, so that the first
        // lease below does not find it idle.
        runTask = Task.immediate { await client.run() }
        do {
            let runTask = runTask
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.migrate() }
                group.addTask {
                    try await Task.sleep(for: openTimeout)
                    // Stopping the client fails the lease the migration is waiting for.
                    runTask.cancel()
                    throw StoreError.unavailable("the PostgreSQL server did not answer within \(openTimeout)")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            runTask.cancel()
            await runTask.value
            if let error = error as? StoreError, case .database(let reason) = error { throw StoreError.unavailable(reason) }
            throw error
        }
    }

    /// A connection URL's parts.
    struct Endpoint {
        var host: String
        var port: Int
        var username: String
        var password: String?
        var database: String?
        var sslMode: String
    }

    /// Reads a connection URL; the error never repeats the URL (it may hold a password).
    static func endpoint(url: String, password: String? = nil) throws(StoreError) -> Endpoint {
        let expected = "a PostgreSQL URL looks like postgres://user:password@host:5432/database"
        guard let components = URLComponents(string: url),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme.lowercased()),
            let host = components.host, !host.isEmpty,
            let user = components.user, !user.isEmpty
        else {
            throw .invalidArgument(expected)
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let sslMode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "require"
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw .invalidArgument("sslmode is disable, prefer or require")
        }
        return Endpoint(
            host: host, port: components.port ?? 5432, username: user, password: password ?? components.password,
            database: database.isEmpty ? nil : database, sslMode: sslMode)
    }

    static func configuration(url: String, password: String? = nil) throws(StoreError) -> PostgresClient.Configuration {
        let endpoint = try endpoint(url: url, password: password)
        let tls: PostgresClient.Configuration.TLS =
            switch endpoint.sslMode {
            case "disable": .disable
            case "require": .require(.makeClientConfiguration())
            default: .prefer(.makeClientConfiguration())
            }
        return PostgresClient.Configuration(
            host: endpoint.host, port: endpoint.port, username: endpoint.username, password: endpoint.password,
            database: endpoint.database, tls: tls)
    }

    /// Opens and closes one connection, so that a refused connection or a wrong password is
    /// reported at once and in plain words (the client's pool would keep retrying).
    static func probe(url: String, password: String?, logger: Logger) async throws {
        let endpoint = try endpoint(url: url, password: password)
        do {
            let tls: PostgresConnection.Configuration.TLS =
                switch endpoint.sslMode {
                case "disable": .disable
                case "require": .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                default: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
            let connection = try await PostgresConnection.connect(
                configuration: PostgresConnection.Configuration(
                    host: endpoint.host, port: endpoint.port, username: endpoint.username,
                    password: endpoint.password, database: endpoint.database, tls: tls),
                id: 0, logger: logger)
            try? await connection.close()
        } catch let error as PSQLError {
            throw StoreError.unavailable(describe(error))
        } catch let error as NIOSSLError {
            throw StoreError.unavailable("TLS could not be set up: \(error)")
        }
    }

    // MARK: Migrations

    /// The schema's migrations, in order: the same v1 schema as ``SQLiteStudyStore`` in
    /// PostgreSQL types. Never edit a migration that has shipped: add the next one instead.
    static let migrations: [(identifier: String, statements: [String])] = [
        (
            "v1",
            [
                """
                CREATE TABLE studies (
                    id TEXT PRIMARY KEY,
                    definition BYTEA NOT NULL,
                    analyst_credential_hash BYTEA NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
                    created_at BIGINT NOT NULL,
                    closed_at BIGINT
                )
                """,
                """
                CREATE TABLE participation_links (
                    study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
                    participant BYTEA NOT NULL CHECK (length(participant) = 32),
                    cohort_tags TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (study_id, participant)
                )
                """,
                """
                CREATE TABLE submissions (
                    study_id TEXT NOT NULL,
                    participant BYTEA NOT NULL,
                    submission_number BIGINT NOT NULL,
                    envelope BYTEA NOT NULL,
                    request_id TEXT NOT NULL,
                    received_at BIGINT NOT NULL,
                    PRIMARY KEY (study_id, participant),
                    FOREIGN KEY (study_id, participant)
                        REFERENCES participation_links(study_id, participant) ON DELETE CASCADE
                )
                """,
                """
                CREATE TABLE submission_log (
                    id BIGSERIAL PRIMARY KEY,
                    study_id TEXT NOT NULL,
                    participant BYTEA NOT NULL,
                    submission_number BIGINT NOT NULL,
                    request_id TEXT NOT NULL,
                    received_at BIGINT NOT NULL,
                    UNIQUE (study_id, participant, request_id),
                    FOREIGN KEY (study_id, participant)
                        REFERENCES participation_links(study_id, participant) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX submission_log_time ON submission_log(study_id, received_at)",
            ]
        ),
        // v2: participation links may expire before the study closes.
        ("v2", ["ALTER TABLE participation_links ADD COLUMN expires_at BIGINT"]),
        // v3: the log keeps each envelope's SHA-256 (see ``SQLiteStudyStore``).
        ("v3", ["ALTER TABLE submission_log ADD COLUMN envelope_digest BYTEA"]),
    ]

    /// Applies the migrations not yet applied, in one transaction, under an advisory lock so that
    /// several processes starting at once do not race.
    func migrate() async throws {
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7261636)", logger: self.logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS cairn_migrations (identifier TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
                logger: self.logger)
            var applied: Set<String> = []
            for try await identifier in try await connection.query(
                "SELECT identifier FROM cairn_migrations", logger: self.logger
            ).decode(String.self) {
                applied.insert(identifier)
            }
            for migration in Self.migrations where !applied.contains(migration.identifier) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                let now = Date().millisecondsSince1970
                try await connection.query(
                    "INSERT INTO cairn_migrations (identifier, applied_at) VALUES (\(migration.identifier), \(now))",
                    logger: self.logger)
            }
        }
    }

    // MARK: Studies

    public func createStudy(_ study: StudyRecord) async throws {
        try StoreError.validate(studyID: study.id)
        let row = StudyRow(study)
        try await transaction { connection in
            let inserted = try await connection.query(
                """
                INSERT INTO studies (id, definition, analyst_credential_hash, status, created_at, closed_at)
                VALUES (\(row.id), \(row.definition), \(row.analystCredentialHash), \(row.status), \(row.createdAt), \(row.closedAt))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """, logger: self.logger
            ).collect()
            guard !inserted.isEmpty else { throw StoreError.studyExists(study.id) }
        }
    }

    public func study(id: String) async throws -> StudyRecord? {
        try await transaction { connection in
            let rows = try await connection.query(
                """
                SELECT id, definition, analyst_credential_hash, status, created_at, closed_at
                FROM studies WHERE id = \(id)
                """, logger: self.logger
            ).collect()
            guard let row = rows.first else { return nil }
            let (id, definition, hash, status, createdAt, closedAt) = try row.decode(
                (String, Data, Data, String, Int64, Int64?).self)
            return StudyRecord(
                id: id, definition: definition, analystCredentialHash: hash, status: try StoreLogic.status(status),
                createdAt: Date(millisecondsSince1970: createdAt), closedAt: closedAt.map(Date.init(millisecondsSince1970:)))
        }
    }

    public func closeStudy(id: String, at time: Date) async throws {
        let closedAt = time.millisecondsSince1970
        try await transaction { connection in
            let rows = try await connection.query(
                "SELECT status FROM studies WHERE id = \(id) FOR UPDATE", logger: self.logger
            ).collect()
            guard !rows.isEmpty else { throw StoreError.unknownStudy(id) }
            try await connection.query(
                "UPDATE studies SET status = 'closed', closed_at = \(closedAt) WHERE id = \(id) AND status = 'open'",
                logger: self.logger)
        }
    }

    // MARK: Participants

    public func addParticipants(_ links: [ParticipationLink]) async throws {
        guard let studyID = links.first?.studyID else { return }
        try StoreError.validate(studyID: studyID)
        precondition(links.allSatisfy { $0.studyID == studyID }, "addParticipants takes the links of one study")
        try await transaction { connection in
            let status = try await self.studyStatus(studyID, on: connection)
            guard let status else { throw StoreError.unknownStudy(studyID) }
            guard status == .open else { throw StoreError.studyClosed(studyID) }
            for link in links {
                let row = ParticipationLinkRow(link)
                let inserted = try await connection.query(
                    """
                    INSERT INTO participation_links (study_id, participant, cohort_tags, created_at, expires_at)
                    VALUES (\(row.studyID), \(row.participant), \(row.cohortTags), \(row.createdAt), \(row.expiresAt))
                    ON CONFLICT (study_id, participant) DO NOTHING RETURNING study_id
                    """, logger: self.logger
                ).collect()
                // Throwing rolls the transaction back: none of the links is added.
                guard !inserted.isEmpty else { throw StoreError.participantExists(studyID, link.participant) }
            }
        }
    }

    public func participant(studyID: String, tag: ParticipantTag) async throws -> ParticipationLink? {
        let participant = Data(tag.bytes)
        return try await transaction { connection in
            let rows = try await connection.query(
                """
                SELECT cohort_tags, created_at, expires_at FROM participation_links
                WHERE study_id = \(studyID) AND participant = \(participant)
                """, logger: self.logger
            ).collect()
            guard let row = rows.first else { return nil }
            let (cohortTags, createdAt, expiresAt) = try row.decode((String, Int64, Int64?).self)
            var link = ParticipationLink(
                studyID: studyID, participant: tag, cohortTags: try StoreLogic.decodeCohortTags(cohortTags))
            link.createdAt = Date(millisecondsSince1970: createdAt)
            link.expiresAt = expiresAt.map { Date(millisecondsSince1970: $0) }
            return link
        }
    }

    // MARK: Submissions

    @discardableResult
    public func submit(_ request: SubmissionRequest) async throws -> SubmissionReceipt {
        try StoreError.validate(request)
        let row = SubmissionRow(request)
        return try await transaction { connection in
            let status = try await self.studyStatus(request.studyID, on: connection)
            let links = try await connection.query(
                """
                SELECT 1 FROM participation_links WHERE study_id = \(row.studyID) AND participant = \(row.participant)
                FOR UPDATE
                """, logger: self.logger
            ).collect()
            let linked = !links.isEmpty
            var logged: (submission: UInt32, receivedAt: Date, envelopeDigest: Data?)?
            for try await (number, receivedAt, digest) in try await connection.query(
                """
                SELECT submission_number, received_at, envelope_digest FROM submission_log
                WHERE study_id = \(row.studyID) AND participant = \(row.participant) AND request_id = \(row.requestID)
                """, logger: self.logger
            ).decode((Int64, Int64, Data?).self) {
                logged = (try StoreLogic.submissionNumber(number), Date(millisecondsSince1970: receivedAt), digest)
            }
            var current: UInt32?
            for try await number in try await connection.query(
                """
                SELECT submission_number FROM submissions
                WHERE study_id = \(row.studyID) AND participant = \(row.participant)
                """, logger: self.logger
            ).decode(Int64.self) {
                current = try StoreLogic.submissionNumber(number)
            }
            switch try StoreLogic.decide(request, status: status, linked: linked, logged: logged, current: current) {
            case .retry(let receipt):
                return receipt
            case .accept:
                try await connection.query(
                    """
                    INSERT INTO submissions (study_id, participant, submission_number, envelope, request_id, received_at)
                    VALUES (\(row.studyID), \(row.participant), \(row.submissionNumber), \(row.envelope), \(row.requestID), \(row.receivedAt))
                    ON CONFLICT (study_id, participant) DO UPDATE SET
                        submission_number = EXCLUDED.submission_number, envelope = EXCLUDED.envelope,
                        request_id = EXCLUDED.request_id, received_at = EXCLUDED.received_at
                    """, logger: self.logger)
                try await connection.query(
                    """
                    INSERT INTO submission_log (study_id, participant, submission_number, request_id, received_at, envelope_digest)
                    VALUES (\(row.studyID), \(row.participant), \(row.submissionNumber), \(row.requestID), \(row.receivedAt), \(StoreLogic.envelopeDigest(row.envelope)))
                    """, logger: self.logger)
                return StoreLogic.receipt(for: request)
            }
        }
    }

    public func latestSubmission(studyID: String, participant: ParticipantTag) async throws -> StoredSubmission? {
        let tag = Data(participant.bytes)
        return try await transaction { connection in
            let rows = try await connection.query(
                """
                SELECT submission_number, envelope, received_at FROM submissions
                WHERE study_id = \(studyID) AND participant = \(tag)
                """, logger: self.logger
            ).collect()
            guard let row = rows.first else { return nil }
            let (number, envelope, receivedAt) = try row.decode((Int64, Data, Int64).self)
            return StoredSubmission(
                studyID: studyID, participant: participant, submission: try StoreLogic.submissionNumber(number),
                envelope: envelope, receivedAt: Date(millisecondsSince1970: receivedAt))
        }
    }

    // MARK: Queries

    public func participationCounts(studyID: String) async throws -> ParticipationCounts {
        try await transaction { connection in
            guard try await self.studyStatus(studyID, on: connection, lock: false) != nil else {
                throw StoreError.unknownStudy(studyID)
            }
            var linked = 0
            for try await count in try await connection.query(
                "SELECT COUNT(*) FROM participation_links WHERE study_id = \(studyID)", logger: self.logger
            ).decode(Int64.self) {
                linked = Int(count)
            }
            var tags: [String] = []
            for try await json in try await connection.query(
                """
                SELECT l.cohort_tags FROM participation_links l
                JOIN submissions s ON s.study_id = l.study_id AND s.participant = l.participant
                WHERE l.study_id = \(studyID)
                """, logger: self.logger
            ).decode(String.self) {
                tags.append(json)
            }
            return ParticipationCounts(linked: linked, submitted: tags.count, byCohort: try StoreLogic.cohortCounts(tags))
        }
    }

    public func submissionsOverTime(studyID: String, bucket: TimeBucket) async throws -> [ParticipationBucket] {
        let width = bucket.milliseconds
        return try await transaction { connection in
            guard try await self.studyStatus(studyID, on: connection, lock: false) != nil else {
                throw StoreError.unknownStudy(studyID)
            }
            var buckets: [ParticipationBucket] = []
            for try await (start, submissions, participants) in try await connection.query(
                """
                SELECT (received_at / \(width)) * \(width) AS bucket, COUNT(*), COUNT(DISTINCT participant)
                FROM submission_log WHERE study_id = \(studyID)
                GROUP BY bucket ORDER BY bucket
                """, logger: self.logger
            ).decode((Int64, Int64, Int64).self) {
                buckets.append(
                    ParticipationBucket(
                        start: Date(millisecondsSince1970: start), submissions: Int(submissions),
                        participants: Int(participants)))
            }
            return buckets
        }
    }

    public func latestEnvelopes(studyID: String, after cursor: EnvelopeCursor?, limit: Int) async throws -> EnvelopePage {
        try StoreError.validate(limit: limit)
        let after = Data(cursor?.after.bytes ?? [])
        let fetch = Int64(limit + 1)
        return try await transaction { connection in
            guard try await self.studyStatus(studyID, on: connection, lock: false) != nil else {
                throw StoreError.unknownStudy(studyID)
            }
            var rows: [StoredSubmission] = []
            for try await (participant, number, envelope, receivedAt, cohortTags) in try await connection.query(
                """
                SELECT s.participant, s.submission_number, s.envelope, s.received_at, l.cohort_tags FROM submissions s
                JOIN participation_links l ON l.study_id = s.study_id AND l.participant = s.participant
                WHERE s.study_id = \(studyID) AND s.participant > \(after)
                ORDER BY s.participant LIMIT \(fetch)
                """, logger: self.logger
            ).decode((Data, Int64, Data, Int64, String).self) {
                rows.append(
                    StoredSubmission(
                        studyID: studyID, participant: try StoreLogic.tag(participant),
                        submission: try StoreLogic.submissionNumber(number), envelope: envelope,
                        receivedAt: Date(millisecondsSince1970: receivedAt),
                        cohortTags: try StoreLogic.decodeCohortTags(cohortTags)))
            }
            let page = Array(rows.prefix(limit))
            return EnvelopePage(
                submissions: page, next: rows.count > limit ? page.last.map { EnvelopeCursor(after: $0.participant) } : nil)
        }
    }

    public func close() async throws {
        runTask.cancel()
        await runTask.value
    }

    // MARK: Helpers

    /// The study's status, `nil` if there is none; with `lock`, holds the row `FOR SHARE` so that
    /// the study cannot be closed until the transaction ends.
    private func studyStatus(_ id: String, on connection: PostgresConnection, lock: Bool = true) async throws -> StudyStatus? {
        let query: PostgresQuery =
            lock ? "SELECT status FROM studies WHERE id = \(id) FOR SHARE" : "SELECT status FROM studies WHERE id = \(id)"
        var status: StudyStatus?
        for try await text in try await connection.query(query, logger: logger).decode(String.self) {
            status = try StoreLogic.status(text)
        }
        return status
    }

    /// Runs `body` in one transaction on one connection: committed if it returns, rolled back if
    /// it throws. PostgreSQL errors become ``StoreError/database(_:)`` without the query's values.
    private func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: self.logger)
                let value: T
                do {
                    value = try await body(connection)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: self.logger)
                    throw error
                }
                try await connection.query("COMMIT", logger: self.logger)
                return value
            }
        } catch let error as PSQLError {
            throw StoreError.database(Self.describe(error))
        }
    }

    /// The server's SQLSTATE and message, or the client's error code: never the query's bindings.
    static func describe(_ error: PSQLError) -> String {
        if let info = error.serverInfo {
            return "PostgreSQL \(info[.sqlState] ?? "error"): \(info[.message] ?? "no message")"
        }
        if let underlying = error.underlying {
            return "PostgreSQL client: \(error.code): \(underlying)"
        }
        return "PostgreSQL client: \(error.code)"
    }
}
