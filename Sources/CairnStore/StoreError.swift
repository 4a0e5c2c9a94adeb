import CairnStudy

/// Why the store refused or failed an operation. Descriptions are plain language and never contain
/// envelope bytes or a full participant tag (only its first 8 hexadecimal digits).
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No study with this ID.
    case unknownStudy(String)
    /// A study with this ID already exists.
    case studyExists(String)
    /// The study is closed and accepts no more links or submissions.
    case studyClosed(String)
    /// The participant has no participation link in the study.
    case unknownParticipant(studyID: String, tagPrefix: String)
    /// The participant already has a participation link in the study.
    case participantExists(studyID: String, tagPrefix: String)
    /// The submission number is not larger than the one already stored (a replay or an old
    /// submission arriving late); nothing was changed.
    case staleSubmission(current: UInt32)
    /// The request ID was already used by this participant for a different submission number.
    case requestIDReused(requestID: String, submission: UInt32)
    /// The request ID was already used by this participant for this submission number with a
    /// different envelope: not a retry, and nothing was changed.
    case requestIDReusedWithOtherContent(requestID: String, submission: UInt32)
    /// A caller's argument is out of range.
    case invalidArgument(String)
    /// The store could not be opened.
    case unavailable(String)
    /// The database reported an error.
    case database(String)

    public var description: String {
        switch self {
        case .unknownStudy(let id):
            "there is no study \"\(id)\""
        case .studyExists(let id):
            "a study \"\(id)\" already exists"
        case .studyClosed(let id):
            "study \"\(id)\" is closed and accepts no more submissions"
        case .unknownParticipant(let id, let prefix):
            "participant \(prefix)… is not linked to study \"\(id)\""
        case .participantExists(let id, let prefix):
            "participant \(prefix)… is already linked to study \"\(id)\""
        case .staleSubmission(let current):
            "a submission numbered \(current) or later is already stored for this participant; send a larger submission number"
        case .requestIDReused(let requestID, let submission):
            "request ID \"\(requestID)\" was already used by this participant for submission \(submission)"
        case .requestIDReusedWithOtherContent(let requestID, let submission):
            "request ID \"\(requestID)\" was already used by this participant for submission \(submission) "
                + "with different content"
        case .invalidArgument(let reason):
            reason
        case .unavailable(let reason):
            "the store could not be opened: \(reason)"
        case .database(let reason):
            "the database reported an error: \(reason)"
        }
    }
}

extension StoreError {
    static func unknownParticipant(_ studyID: String, _ tag: ParticipantTag) -> StoreError {
        .unknownParticipant(studyID: studyID, tagPrefix: tag.description)
    }

    static func participantExists(_ studyID: String, _ tag: ParticipantTag) -> StoreError {
        .participantExists(studyID: studyID, tagPrefix: tag.description)
    }

    static func validate(studyID: String) throws(StoreError) {
        let count = studyID.utf8.count
        guard (1...SubmissionReference.maximumStudyIDByteCount).contains(count) else {
            throw .invalidArgument(
                "a study ID is 1 to \(SubmissionReference.maximumStudyIDByteCount) bytes of UTF-8, not \(count)")
        }
    }

    static func validate(_ request: SubmissionRequest) throws(StoreError) {
        try validate(studyID: request.studyID)
        let count = request.requestID.utf8.count
        guard (1...SubmissionRequest.maximumRequestIDByteCount).contains(count) else {
            throw .invalidArgument(
                "a request ID is 1 to \(SubmissionRequest.maximumRequestIDByteCount) bytes of UTF-8, not \(count)")
        }
    }

    static func validate(limit: Int) throws(StoreError) {
        guard (1...10_000).contains(limit) else {
            throw .invalidArgument("a page holds 1 to 10000 envelopes, not \(limit)")
        }
    }
}
