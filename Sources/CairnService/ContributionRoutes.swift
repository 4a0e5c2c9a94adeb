import CairnStore
import CairnStudy
import Crypto
import Foundation
import Hummingbird

// The contributor's endpoints: what the service knows of their participation, and submitting.

extension StudyService {
    // MARK: GET /api/v1/studies/{study}/contribution

    struct Contribution: Encodable {
        var study: String
        var status: String
        var cohorts: [String: String]
        var latestSubmission: UInt32?
        var receivedAt: String?

        enum CodingKeys: String, CodingKey { case study, status, cohorts, latestSubmission, receivedAt }

        func encode(to encoder: any Encoder) throws {
            // `null` rather than a missing key when nothing was submitted yet.
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(study, forKey: .study)
            try container.encode(status, forKey: .status)
            try container.encode(cohorts, forKey: .cohorts)
            try container.encode(latestSubmission, forKey: .latestSubmission)
            try container.encode(receivedAt, forKey: .receivedAt)
        }
    }

    func getContribution(_ request: Request, _ context: Context) async throws -> Response {
        let record = try await study(context)
        let link = try await requireParticipant(request, record)
        let latest = try await store.latestSubmission(studyID: record.id, participant: link.participant)
        return Reply.json(
            Contribution(
                study: record.id, status: record.status.rawValue, cohorts: link.cohortTags,
                latestSubmission: latest?.submission, receivedAt: latest.map { Reply.time($0.receivedAt) }))
    }

    // MARK: PUT /api/v1/studies/{study}/contribution

    struct Receipt: Encodable {
        var submission: UInt32
        var receivedAt: String
        var retry: Bool
    }

    func putContribution(_ request: Request, _ context: Context) async throws -> Response {
        let record = try await study(context)
        let link = try await requireParticipant(request, record)
        let facts = try await facts(record)
        let body = try await body(request, limit: facts.envelopeByteCount + configuration.limits.submissionSlackBytes)

        let requestID: String
        if let key = request.headers[named: "Idempotency-Key"] {
            guard (1...200).contains(key.utf8.count) else {
                throw ServiceError(.badRequest, "the Idempotency-Key header must be 1 to 200 characters long")
            }
            requestID = key
        } else {
            requestID = Secrets.hex(SHA256.hash(data: body))
        }

        let envelope: SubmissionEnvelope
        do {
            envelope = try SubmissionEnvelope(json: body)
        } catch {
            throw ServiceError(.badRequest, error.description)
        }
        do {
            try envelope.checkShape(studyID: record.id, partyCount: facts.partyCount, valueCount: facts.valueCount)
        } catch {
            throw ServiceError(.unprocessableContent, error.description)
        }

        let receipt: SubmissionReceipt
        do {
            receipt = try await store.submit(
                SubmissionRequest(
                    studyID: record.id, participant: link.participant, submission: envelope.submission,
                    envelope: Data(envelope.storedForm), requestID: requestID, receivedAt: now))
        } catch let error as StoreError {
            throw Self.refusal(error, submission: envelope.submission)
        }
        return Reply.json(
            Receipt(submission: receipt.submission, receivedAt: Reply.time(receipt.receivedAt), retry: receipt.isRetry),
            status: receipt.isRetry ? .ok : .created)
    }

    /// What the contributor is told when the store refuses a submission.
    static func refusal(_ error: StoreError, submission: UInt32) -> any Error {
        switch error {
        case .studyClosed(let id):
            ServiceError(.conflict, "study \"\(id)\" is closed and accepts no more submissions")
        case .staleSubmission(let current):
            ServiceError(
                .conflict,
                "submission \(submission) is not newer than the one already received (\(current)): "
                    + "resubmissions must carry a larger number")
        case .requestIDReused(_, let earlier):
            ServiceError(
                .conflict,
                "this Idempotency-Key was already used for submission \(earlier); send submission \(submission) "
                    + "with a new key")
        case .requestIDReusedWithOtherContent(_, let earlier):
            ServiceError(
                .conflict,
                "this Idempotency-Key was already used for submission \(earlier) with different content; "
                    + "a retry must send the same bytes, and a new submission needs a new key and a larger number")
        case .unknownParticipant:
            ServiceError(.unauthorized, "this participation link is not valid for this study")
        case .unknownStudy(let id):
            ServiceError(.notFound, "there is no study \"\(id)\"")
        default:
            error
        }
    }
}
