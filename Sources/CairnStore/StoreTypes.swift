import CairnStudy

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Whether a study still accepts submissions.
public enum StudyStatus: String, Codable, Sendable, CaseIterable {
    case open
    case closed
}

/// A study as the service stores it. The definition is kept as the bytes the analyst uploaded
/// (JSON); the store never reads it.
public struct StudyRecord: Codable, Sendable, Equatable {
    /// The study ID (``StudyDefinition/id``): 1 to 255 bytes of UTF-8.
    public var id: String
    /// The study definition, as JSON bytes.
    public var definition: Data
    /// A hash of the analyst's credential, computed by the service; the store only keeps the bytes.
    public var analystCredentialHash: Data
    public var status: StudyStatus
    public var createdAt: Date
    /// When the study was closed; `nil` while it is open.
    public var closedAt: Date?

    /// A new, open study.
    public init(id: String, definition: Data, analystCredentialHash: Data, createdAt: Date = Date()) {
        self.id = id
        self.definition = definition
        self.analystCredentialHash = analystCredentialHash
        self.status = .open
        self.createdAt = createdAt.wholeMilliseconds
        self.closedAt = nil
    }

    init(
        id: String, definition: Data, analystCredentialHash: Data, status: StudyStatus, createdAt: Date,
        closedAt: Date?
    ) {
        self.id = id
        self.definition = definition
        self.analystCredentialHash = analystCredentialHash
        self.status = status
        self.createdAt = createdAt
        self.closedAt = closedAt
    }
}

/// A participant's link to a study: only the ``ParticipantTag`` (derived by the service from the
/// participation code, which the store never sees) and the participant's cohort tags.
public struct ParticipationLink: Sendable, Equatable {
    public var studyID: String
    public var participant: ParticipantTag
    /// Cohort name → value (for example `"region": "north"`); empty if the study has no cohorts.
    public var cohortTags: [String: String]
    public var createdAt: Date
    /// When the link stops working; `nil`: when the study closes.
    public var expiresAt: Date?

    public init(
        studyID: String, participant: ParticipantTag, cohortTags: [String: String] = [:], createdAt: Date = Date(),
        expiresAt: Date? = nil
    ) {
        self.studyID = studyID
        self.participant = participant
        self.cohortTags = cohortTags
        self.createdAt = createdAt.wholeMilliseconds
        self.expiresAt = expiresAt?.wholeMilliseconds
    }
}

/// One submission as the service hands it to the store.
public struct SubmissionRequest: Sendable, Equatable {
    public var studyID: String
    public var participant: ParticipantTag
    /// The participant's submission number; each accepted submission must carry a larger one
    /// than the last.
    public var submission: UInt32
    /// The envelope exactly as the contributor sent it (JSON); opaque to the store.
    public var envelope: Data
    /// Chosen by the contributor's client, the same for every retry of one request: a retry is
    /// acknowledged again and changes nothing. Unique per participant; 1 to 200 bytes of UTF-8.
    public var requestID: String
    public var receivedAt: Date

    public init(
        studyID: String, participant: ParticipantTag, submission: UInt32, envelope: Data, requestID: String,
        receivedAt: Date = Date()
    ) {
        self.studyID = studyID
        self.participant = participant
        self.submission = submission
        self.envelope = envelope
        self.requestID = requestID
        self.receivedAt = receivedAt.wholeMilliseconds
    }

    static let maximumRequestIDByteCount = 200
}

/// The store's answer to an accepted submission.
public struct SubmissionReceipt: Sendable, Equatable {
    public var studyID: String
    public var participant: ParticipantTag
    public var submission: UInt32
    public var requestID: String
    /// When the store first accepted this request.
    public var receivedAt: Date
    /// `true` if this request ID had already been accepted: the store changed nothing.
    public var isRetry: Bool

    public init(studyID: String, participant: ParticipantTag, submission: UInt32, requestID: String, receivedAt: Date, isRetry: Bool) {
        self.studyID = studyID
        self.participant = participant
        self.submission = submission
        self.requestID = requestID
        self.receivedAt = receivedAt
        self.isRetry = isRetry
    }
}

/// A participant's latest submission, as the compute parties fetch it.
public struct StoredSubmission: Sendable, Equatable {
    public var studyID: String
    public var participant: ParticipantTag
    public var submission: UInt32
    public var envelope: Data
    public var receivedAt: Date
    /// The participant's link's cohort tags (``ParticipationLink/cohortTags``), filled in by
    /// ``StudyStore/latestEnvelopes(studyID:after:limit:)``, which hands them to the parties.
    public var cohortTags: [String: String]

    public init(
        studyID: String, participant: ParticipantTag, submission: UInt32, envelope: Data, receivedAt: Date,
        cohortTags: [String: String] = [:]
    ) {
        self.studyID = studyID
        self.participant = participant
        self.submission = submission
        self.envelope = envelope
        self.receivedAt = receivedAt
        self.cohortTags = cohortTags
    }
}

/// Where a page of latest envelopes ended; pass it as `after:` to get the next page. Envelopes
/// come in the order of their participant tags' bytes, which is stable and says nothing about
/// when or in which order participants submitted.
public struct EnvelopeCursor: Sendable, Hashable, Codable {
    /// The tag of the last participant of the page.
    public var after: ParticipantTag

    public init(after: ParticipantTag) { self.after = after }

    enum CodingKeys: String, CodingKey { case after }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let hex = try container.decode(String.self, forKey: .after)
        guard let tag = ParticipantTag(hex: hex) else {
            throw DecodingError.dataCorruptedError(forKey: .after, in: container, debugDescription: "not a participant tag")
        }
        after = tag
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(after.hex, forKey: .after)
    }
}

/// One page of latest envelopes.
public struct EnvelopePage: Sendable, Equatable {
    public var submissions: [StoredSubmission]
    /// `nil` when this page is the last.
    public var next: EnvelopeCursor?

    public init(submissions: [StoredSubmission], next: EnvelopeCursor?) {
        self.submissions = submissions
        self.next = next
    }
}

/// How many participants have taken part: counts only, never who.
public struct ParticipationCounts: Sendable, Equatable {
    /// Participants with a participation link.
    public var linked: Int
    /// Participants with at least one accepted submission.
    public var submitted: Int
    /// Cohort name → cohort value → participants with a submission and that value.
    public var byCohort: [String: [String: Int]]

    public init(linked: Int, submitted: Int, byCohort: [String: [String: Int]]) {
        self.linked = linked
        self.submitted = submitted
        self.byCohort = byCohort
    }
}

/// The width of the buckets of ``StudyStore/submissionsOverTime(studyID:bucket:)``.
public enum TimeBucket: Sendable, Equatable, CaseIterable {
    case hour
    case day

    var milliseconds: Int64 {
        switch self {
        case .hour: 3_600_000
        case .day: 86_400_000
        }
    }
}

/// Accepted submissions in one time bucket (UTC), from the participation log.
public struct ParticipationBucket: Sendable, Equatable {
    /// The bucket's start (UTC, on a whole hour or day).
    public var start: Date
    /// Submissions accepted in the bucket (resubmissions included; retries are not counted).
    public var submissions: Int
    /// Distinct participants who submitted in the bucket.
    public var participants: Int

    public init(start: Date, submissions: Int, participants: Int) {
        self.start = start
        self.submissions = submissions
        self.participants = participants
    }
}

// MARK: - Time

extension Date {
    /// The store keeps times as whole milliseconds since 1970 (UTC) in both backends.
    var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// This date truncated to whole milliseconds, as the store gives it back.
    var wholeMilliseconds: Date { Date(millisecondsSince1970: millisecondsSince1970) }
}
