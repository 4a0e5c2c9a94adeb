import CairnStudy
import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the study service keeps studies, participation links and submissions.
///
/// Two implementations share one schema and one test suite: ``SQLiteStudyStore`` (the embedded
/// default: one data directory, WAL mode) and ``PostgresStudyStore``.
///
/// ## What is kept
///
/// - **Studies**: the definition bytes, a hash of the analyst's credential, open or closed.
/// - **Participation links**: the participant tag only (never the participation code) and the
///   participant's cohort tags; one link per (study, tag).
/// - **Submissions**: only the *latest* envelope per participant. A resubmission replaces the
///   previous one in one transaction, so an interrupted resubmission leaves the previous one in
///   force. Older envelopes are not kept: the computation uses one submission per participant.
/// - **Participation log**: append-only, one row per accepted submission: (participant,
///   submission number, request ID, time received). It serves retries (a request ID already
///   in the log is acknowledged again and changes nothing) and the participation-over-time
///   dashboard. It holds no envelope bytes.
///
/// ## Schema (migration `v1`)
///
/// Migrations are registered once, in order, and are never edited after they ship: a change
/// is a new migration. `v2` adds `participation_links.expires_at INT8 NULL` (when a link stops
/// working; `NULL`: when the study closes). Times are whole milliseconds since 1970 (UTC) as 64-bit integers;
/// submission numbers are 64-bit integers holding a `UInt32`; tags are 32-byte blobs.
///
/// ```
/// studies(id TEXT PK, definition BLOB, analyst_credential_hash BLOB,
///         status TEXT ('open'|'closed'), created_at INT8, closed_at INT8 NULL)
/// participation_links(study_id → studies, participant BLOB(32), cohort_tags TEXT (JSON object),
///         created_at INT8, PK (study_id, participant))
/// submissions(study_id, participant → participation_links, submission_number INT8,
///         envelope BLOB, request_id TEXT, received_at INT8, PK (study_id, participant))
/// submission_log(id serial PK, study_id, participant → participation_links,
///         submission_number INT8, request_id TEXT, received_at INT8,
///         UNIQUE (study_id, participant, request_id), INDEX (study_id, received_at))
/// ```
public protocol StudyStore: Sendable {
    /// Stores a new study; throws ``StoreError/studyExists(_:)`` if its ID is taken.
    func createStudy(_ study: StudyRecord) async throws
    /// The study with this ID, or `nil`.
    func study(id: String) async throws -> StudyRecord?
    /// Closes a study: it accepts no more submissions or links. Closing a closed study changes nothing.
    func closeStudy(id: String, at time: Date) async throws

    /// Links participants to a study, all in one transaction or none; throws
    /// ``StoreError/participantExists(studyID:tagPrefix:)`` if a tag is already linked (or given
    /// twice), ``StoreError/studyClosed(_:)`` if the study is closed. The links share one study.
    func addParticipants(_ links: [ParticipationLink]) async throws
    /// The participant's link, or `nil`.
    func participant(studyID: String, tag: ParticipantTag) async throws -> ParticipationLink?

    /// Stores a submission as the participant's latest, in one transaction.
    ///
    /// - A request ID this participant already used for the same submission number is a retry:
    ///   acknowledged again (``SubmissionReceipt/isRetry``), nothing changes, nothing is counted.
    /// - Refused, changing nothing: an unknown study or participant, a closed study
    ///   (``StoreError/studyClosed(_:)``), a submission number not larger than the stored one
    ///   (``StoreError/staleSubmission(current:)``), a request ID reused for another number.
    @discardableResult
    func submit(_ request: SubmissionRequest) async throws -> SubmissionReceipt
    /// The participant's latest submission, or `nil`.
    func latestSubmission(studyID: String, participant: ParticipantTag) async throws -> StoredSubmission?

    /// Participation counts, overall and per cohort value.
    func participationCounts(studyID: String) async throws -> ParticipationCounts
    /// Accepted submissions per hour or day (UTC), oldest first; buckets without submissions are left out.
    func submissionsOverTime(studyID: String, bucket: TimeBucket) async throws -> [ParticipationBucket]
    /// The latest envelope of each participant, with the participant's link cohort tags, in the
    /// order of participant tags, `limit` at a time, starting after `cursor` (`nil`: from the start).
    func latestEnvelopes(studyID: String, after cursor: EnvelopeCursor?, limit: Int) async throws -> EnvelopePage

    /// Releases the store's connections. The store must not be used afterwards.
    func close() async throws
}

// MARK: - Shared logic

/// What both backends do with the rows they read, so that they cannot disagree.
enum StoreLogic {
    /// The decision for a submission, given the current state read inside the transaction.
    enum Decision: Equatable {
        case retry(SubmissionReceipt)
        case accept
    }

    /// - Parameters:
    ///   - status: the study's status, `nil` if there is no such study.
    ///   - linked: whether the participant has a link.
    ///   - logged: the log entry with the request's ID for this participant, if any (number, time,
    ///     and the SHA-256 of its envelope; `nil` for entries written before the log kept it).
    ///   - current: the stored submission number, if any.
    static func decide(
        _ request: SubmissionRequest, status: StudyStatus?, linked: Bool,
        logged: (submission: UInt32, receivedAt: Date, envelopeDigest: Data?)?, current: UInt32?
    ) throws(StoreError) -> Decision {
        guard let status else { throw .unknownStudy(request.studyID) }
        guard linked else { throw .unknownParticipant(request.studyID, request.participant) }
        if let logged {
            guard logged.submission == request.submission else {
                throw .requestIDReused(requestID: request.requestID, submission: logged.submission)
            }
            // A retry carries the same bytes; other content under the same key is a client's
            // mistake (or a forgery), never to be acknowledged as if it had been stored.
            if let digest = logged.envelopeDigest, digest != envelopeDigest(request.envelope) {
                throw .requestIDReusedWithOtherContent(requestID: request.requestID, submission: logged.submission)
            }
            return .retry(
                SubmissionReceipt(
                    studyID: request.studyID, participant: request.participant, submission: logged.submission,
                    requestID: request.requestID, receivedAt: logged.receivedAt, isRetry: true))
        }
        guard status == .open else { throw .studyClosed(request.studyID) }
        if let current, request.submission <= current { throw .staleSubmission(current: current) }
        return .accept
    }

    /// SHA-256 of an envelope's bytes, kept in the submission log so that a retry can be told from
    /// a different submission sent under the same request ID.
    static func envelopeDigest(_ envelope: Data) -> Data {
        Data(SHA256.hash(data: envelope))
    }

    static func receipt(for request: SubmissionRequest) -> SubmissionReceipt {
        SubmissionReceipt(
            studyID: request.studyID, participant: request.participant, submission: request.submission,
            requestID: request.requestID, receivedAt: request.receivedAt, isRetry: false)
    }

    static func encodeCohortTags(_ tags: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(tags)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func decodeCohortTags(_ json: String) throws(StoreError) -> [String: String] {
        do {
            return try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
        } catch {
            throw .database("a participation link's cohort tags are not a JSON object of strings")
        }
    }

    static func tag(_ bytes: Data) throws(StoreError) -> ParticipantTag {
        guard let tag = ParticipantTag(bytes: Array(bytes)) else {
            throw .database("a stored participant tag is \(bytes.count) bytes, not 32")
        }
        return tag
    }

    static func submissionNumber(_ value: Int64) throws(StoreError) -> UInt32 {
        guard let number = UInt32(exactly: value) else {
            throw .database("a stored submission number (\(value)) is out of range")
        }
        return number
    }

    static func status(_ text: String) throws(StoreError) -> StudyStatus {
        guard let status = StudyStatus(rawValue: text) else {
            throw .database("a stored study status (\"\(text)\") is neither open nor closed")
        }
        return status
    }

    /// Counts participants per cohort value from the cohort tags of those who submitted.
    static func cohortCounts(_ cohortTags: [String]) throws(StoreError) -> [String: [String: Int]] {
        var counts: [String: [String: Int]] = [:]
        for json in cohortTags {
            for (cohort, value) in try decodeCohortTags(json) {
                counts[cohort, default: [:]][value, default: 0] += 1
            }
        }
        return counts
    }
}

extension StudyStore {
    /// Links one participant to a study (``addParticipants(_:)`` with one link).
    public func addParticipant(_ link: ParticipationLink) async throws {
        try await addParticipants([link])
    }
}
