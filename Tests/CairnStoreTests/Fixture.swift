import CairnStore
import CairnStoreTesting
import CairnStudy
import Foundation

/// Test data.
enum Fixture {
    /// A fresh study ID, so that tests never share a study (the PostgreSQL database is shared).
    static func studyID() -> String { "test-\(UUID().uuidString.lowercased())" }

    /// Midnight UTC, 2023-11-14.
    static let day = Date(timeIntervalSince1970: 1_699_920_000)

    static func study(_ id: String) -> StudyRecord {
        StudyRecord(
            id: id, definition: Data(#"{"id":"\#(id)","title":"Test"}"#.utf8),
            analystCredentialHash: Data((0..<32).map { UInt8($0) }), createdAt: day)
    }

    static func tag(_ studyID: String, _ number: Int) -> ParticipantTag {
        ParticipantTag(studyID: studyID, participationCode: "code-\(number)")
    }

    static func envelope(_ participant: Int, _ submission: UInt32) -> Data {
        Data(#"{"participant":\#(participant),"submission":\#(submission)}"#.utf8)
    }

    static func request(
        _ studyID: String, _ participant: Int, _ submission: UInt32, requestID: String? = nil,
        at time: Date = day.addingTimeInterval(3600)
    ) -> SubmissionRequest {
        SubmissionRequest(
            studyID: studyID, participant: tag(studyID, participant), submission: submission,
            envelope: envelope(participant, submission), requestID: requestID ?? "request-\(participant)-\(submission)",
            receivedAt: time)
    }

    /// Creates a study with `participants` linked participants (cohort `region` from `regions`).
    static func populate(
        _ store: any StudyStore, participants: Int, regions: [String] = []
    ) async throws -> String {
        let id = studyID()
        try await store.createStudy(study(id))
        for number in 0..<participants {
            let cohorts = regions.isEmpty ? [:] : ["region": regions[number % regions.count]]
            try await store.addParticipant(
                ParticipationLink(studyID: id, participant: tag(id, number), cohortTags: cohorts, createdAt: day))
        }
        return id
    }
}
