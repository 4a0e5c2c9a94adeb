import GRDB

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The rows of the v1 schema as plain Codable structs (GRDB records). Column names are the
// coding keys; times are milliseconds since 1970 (UTC); tags are 32 bytes.

struct StudyRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "studies"

    var id: String
    var definition: Data
    var analystCredentialHash: Data
    var status: String
    var createdAt: Int64
    var closedAt: Int64?

    enum CodingKeys: String, CodingKey {
        case id, definition, status
        case analystCredentialHash = "analyst_credential_hash"
        case createdAt = "created_at"
        case closedAt = "closed_at"
    }

    init(_ study: StudyRecord) {
        id = study.id
        definition = study.definition
        analystCredentialHash = study.analystCredentialHash
        status = study.status.rawValue
        createdAt = study.createdAt.millisecondsSince1970
        closedAt = study.closedAt?.millisecondsSince1970
    }

    func record() throws(StoreError) -> StudyRecord {
        StudyRecord(
            id: id, definition: definition, analystCredentialHash: analystCredentialHash,
            status: try StoreLogic.status(status), createdAt: Date(millisecondsSince1970: createdAt),
            closedAt: closedAt.map(Date.init(millisecondsSince1970:)))
    }
}

struct ParticipationLinkRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "participation_links"

    var studyID: String
    var participant: Data
    var cohortTags: String
    var createdAt: Int64
    var expiresAt: Int64?

    enum CodingKeys: String, CodingKey {
        case participant
        case studyID = "study_id"
        case cohortTags = "cohort_tags"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
    }

    init(_ link: ParticipationLink) {
        studyID = link.studyID
        participant = Data(link.participant.bytes)
        cohortTags = StoreLogic.encodeCohortTags(link.cohortTags)
        createdAt = link.createdAt.millisecondsSince1970
        expiresAt = link.expiresAt?.millisecondsSince1970
    }

    func link() throws(StoreError) -> ParticipationLink {
        var link = ParticipationLink(
            studyID: studyID, participant: try StoreLogic.tag(participant),
            cohortTags: try StoreLogic.decodeCohortTags(cohortTags))
        link.createdAt = Date(millisecondsSince1970: createdAt)
        link.expiresAt = expiresAt.map { Date(millisecondsSince1970: $0) }
        return link
    }
}

struct SubmissionRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "submissions"

    var studyID: String
    var participant: Data
    var submissionNumber: Int64
    var envelope: Data
    var requestID: String
    var receivedAt: Int64

    enum CodingKeys: String, CodingKey {
        case participant, envelope
        case studyID = "study_id"
        case submissionNumber = "submission_number"
        case requestID = "request_id"
        case receivedAt = "received_at"
    }

    init(_ request: SubmissionRequest) {
        studyID = request.studyID
        participant = Data(request.participant.bytes)
        submissionNumber = Int64(request.submission)
        envelope = request.envelope
        requestID = request.requestID
        receivedAt = request.receivedAt.millisecondsSince1970
    }

    func stored() throws(StoreError) -> StoredSubmission {
        StoredSubmission(
            studyID: studyID, participant: try StoreLogic.tag(participant),
            submission: try StoreLogic.submissionNumber(submissionNumber), envelope: envelope,
            receivedAt: Date(millisecondsSince1970: receivedAt))
    }
}

/// One accepted submission in the append-only participation log (no envelope bytes).
struct SubmissionLogRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "submission_log"

    var id: Int64?
    var studyID: String
    var participant: Data
    var submissionNumber: Int64
    var requestID: String
    var receivedAt: Int64
    /// SHA-256 of the envelope (migration v3; `nil` in entries written before it).
    var envelopeDigest: Data?

    enum CodingKeys: String, CodingKey {
        case id, participant
        case studyID = "study_id"
        case submissionNumber = "submission_number"
        case requestID = "request_id"
        case receivedAt = "received_at"
        case envelopeDigest = "envelope_digest"
    }

    init(_ request: SubmissionRequest) {
        id = nil
        studyID = request.studyID
        participant = Data(request.participant.bytes)
        submissionNumber = Int64(request.submission)
        requestID = request.requestID
        receivedAt = request.receivedAt.millisecondsSince1970
        envelopeDigest = StoreLogic.envelopeDigest(request.envelope)
    }
}
