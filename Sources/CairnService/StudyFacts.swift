import CairnStudy
import Foundation

/// What the service needs from a study's definition, read once per study: definitions never
/// change after a study is created.
struct StudyFacts: Sendable {
    var definition: StudyDefinition
    /// The compute parties' submission keys, in party order.
    var partyKeys: [SubmissionPublicKey]
    /// The number of values in one submission.
    var valueCount: Int
    /// The cohorts assigned by participation link.
    var linkCohorts: [StudyDefinition.Cohort]
    /// The size of a well-formed JSON envelope for this study with the largest submission number.
    var envelopeByteCount: Int

    var partyCount: Int { partyKeys.count }

    init(definition: StudyDefinition) throws {
        self.definition = definition
        partyKeys = try definition.computeParties.map { try SubmissionPublicKey(base64: $0.submissionKey) }
        valueCount = definition.cellLayout.vectorLength
        linkCohorts = definition.allCohorts.filter { $0.source == .link }
        let partyCount = partyKeys.count
        let largest = SubmissionEnvelope(
            studyID: definition.id, submission: .max,
            shares: (0..<partyCount).map { party in
                .init(
                    party: party, enc: [UInt8](repeating: 4, count: 65),
                    ciphertext: [UInt8](
                        repeating: 0,
                        count: SubmissionEnvelope.ciphertextByteCount(
                            party: party, partyCount: partyCount, valueCount: definition.cellLayout.vectorLength)))
            })
        envelopeByteCount = largest.json().count
    }
}

/// Study facts by study ID.
actor StudyFactsCache {
    private var facts: [String: StudyFacts] = [:]
    private let capacity = 1000

    /// The facts of the study whose stored definition is `definition`.
    func facts(studyID: String, definition: Data) throws -> StudyFacts {
        if let known = facts[studyID] { return known }
        let read = try StudyFacts(definition: StudyDefinition.decode(from: definition))
        if facts.count >= capacity { facts.removeAll() }
        facts[studyID] = read
        return read
    }
}
