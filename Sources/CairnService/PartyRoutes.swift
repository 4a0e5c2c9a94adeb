import CairnStore
import CairnStudy
import Foundation
import Hummingbird

// The compute parties' endpoints: a session token sealed to the party's submission key, and the
// party's shares of every participant's latest submission once the study is closed.

extension StudyService {
    /// The party named in the path (counted from 1) as a 0-based index; `404` if the study has no such party.
    func party(_ context: Context, _ record: StudyRecord, _ facts: StudyFacts) throws -> Int {
        guard let number = context.parameters.get("party", as: Int.self), (1...facts.partyCount).contains(number) else {
            throw ServiceError(
                .notFound, "study \"\(record.id)\" has compute parties 1 to \(facts.partyCount) only")
        }
        return number - 1
    }

    /// The study and the party (0-based) of a compute party's request about a closed study:
    /// `401` unless the request carries a live session token of this study and party, then `409`
    /// while the study is open (`stillOpen` says what waits for the close).
    func closedStudyParty(
        _ request: Request, _ context: Context, stillOpen: String
    ) async throws -> (record: StudyRecord, facts: StudyFacts, party: Int) {
        let record = try await study(context)
        let facts = try await facts(record)
        let party = try party(context, record, facts)
        guard let token = Secrets.bearer(request), Secrets.isBase64url(token, count: 43),
            sessionTokens.isValid(token, studyID: record.id, party: party, now: now)
        else {
            throw ServiceError(
                .unauthorized, "this request needs a valid session token of party \(party + 1) for this study")
        }
        guard record.status == .closed else {
            throw ServiceError(.conflict, "study \"\(record.id)\" is still open: \(stillOpen)")
        }
        return (record, facts, party)
    }

    // MARK: POST /api/v1/studies/{study}/parties/{n}/session

    struct SealedSession: Encodable {
        var party: Int
        var enc: String
        var ciphertext: String
        var expiresAt: String
    }

    /// Anonymous on purpose: only the party can open the answer. It keeps nothing per request
    /// (``PartySessionTokens``), so strangers asking for sessions cannot take one away from the party.
    func partySession(_ request: Request, _ context: Context) async throws -> Response {
        let record = try await study(context)
        let facts = try await facts(record)
        let party = try party(context, record, facts)
        let expiry = now.addingTimeInterval(configuration.sessionLifetime)
        let token = sessionTokens.issue(studyID: record.id, party: party, expiry: expiry)
        let sealed = try PartySession.seal(
            token: token, studyID: record.id, party: party, partyCount: facts.partyCount, to: facts.partyKeys[party])
        return Reply.json(
            SealedSession(
                party: party + 1, enc: Data(sealed.enc).base64EncodedString(),
                ciphertext: Data(sealed.ciphertext).base64EncodedString(), expiresAt: Reply.time(expiry)))
    }

    // MARK: GET /api/v1/studies/{study}/parties/{n}/shares

    func partyShares(_ request: Request, _ context: Context) async throws -> Response {
        let (record, facts, party) = try await closedStudyParty(
            request, context, stillOpen: "shares are handed out once the analyst has closed it")

        let limits = configuration.limits
        var limit = limits.defaultSharesPage
        if let text = request.uri.queryParameters.get("limit") {
            guard let value = Int(text), (1...limits.maximumSharesPage).contains(value) else {
                throw ServiceError(.badRequest, "limit must be a number from 1 to \(limits.maximumSharesPage)")
            }
            limit = value
        }
        var cursor: EnvelopeCursor?
        if let text = request.uri.queryParameters.get("after") {
            guard let tag = ParticipantTag(hex: text) else {
                throw ServiceError(.badRequest, "after must be a participant tag: 64 hexadecimal digits")
            }
            cursor = EnvelopeCursor(after: tag)
        }

        let page = try await store.latestEnvelopes(studyID: record.id, after: cursor, limit: limit)
        var bytes: [UInt8] = []
        for stored in page.submissions {
            let envelope = try SubmissionEnvelope(storedForm: stored.envelope)
            guard envelope.shares.count == facts.partyCount else {
                throw SubmissionError.malformedEnvelope(
                    "a stored envelope of study \"\(record.id)\" holds \(envelope.shares.count) shares")
            }
            PartyShareRecord(
                participant: stored.participant, submission: stored.submission, share: envelope.shares[party],
                linkCohorts: stored.cohortTags)
                .write(to: &bytes)
        }
        var headers: HTTPFields = [:]
        headers[named: "Cairn-Record-Count"] = String(page.submissions.count)
        if let next = page.next { headers[named: "Cairn-Next-After"] = next.after.hex }
        return Reply.bytes(bytes, contentType: PartyShareRecord.mediaType, headers: headers)
    }
}
