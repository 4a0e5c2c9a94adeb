import CairnStore
import CairnStudy
import Foundation
import Hummingbird

// The computation's progress: each compute party says which stage it has reached, and the
// analyst's dashboard shows it. Stages and counts only: the results never pass through the
// service, and a report carries no message that could hold something secret.

extension StudyService {
    /// The stages a compute party reports, in the order it goes through them.
    static let progressStages = ComputeStage.allCases.map(\.rawValue)

    /// The largest progress report body: a stage and two counts take well under 100 bytes.
    static let progressReportBytes = 1024

    /// The largest count a report may carry; far beyond any study's number of submissions.
    static let maximumProgressCount = 1_000_000_000

    /// A progress report's body: `stage`, and optionally `done` and `total`; nothing else.
    struct ProgressReport: Decodable {
        var stage: String
        var done: Int?
        var total: Int?

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            // A field the service does not know may be a party sending more than it should: refuse it.
            if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !["stage", "done", "total"].contains($0) }) {
                throw ServiceError(.badRequest, "the body is not a progress report: it has an unknown field \(StudyService.short(unknown))")
            }
            stage = try container.decode(String.self, forKey: Key(stringValue: "stage"))
            // Read as a number of any kind, so that 1.5 or -1 get a message about counts rather
            // than JSONDecoder's own.
            func count(_ name: String) throws -> Int? {
                guard let value = try container.decodeIfPresent(Double.self, forKey: Key(stringValue: name)) else { return nil }
                guard value == value.rounded(), (0...Double(StudyService.maximumProgressCount)).contains(value) else {
                    throw ServiceError(
                        .badRequest, "\(name) must be a whole number from 0 to \(StudyService.maximumProgressCount)")
                }
                return Int(value)
            }
            done = try count("done")
            total = try count("total")
        }
    }

    // MARK: POST /api/v1/studies/{study}/parties/{n}/progress

    func reportProgress(_ request: Request, _ context: Context) async throws -> Response {
        let (record, _, party) = try await closedStudyParty(
            request, context, stillOpen: "the computation starts once the analyst has closed it")
        let body = try await body(request, limit: Self.progressReportBytes)
        let report: ProgressReport
        do {
            report = try JSONDecoder().decode(ProgressReport.self, from: body)
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError(.badRequest, "the body is not a progress report: \(Self.explain(error))")
        }
        guard Self.progressStages.contains(report.stage) else {
            throw ServiceError(
                .badRequest,
                "stage must be one of \(Self.progressStages.joined(separator: ", ")), not \(Self.short(report.stage))")
        }
        if let done = report.done, let total = report.total, done > total {
            throw ServiceError(.badRequest, "done (\(done)) must not be larger than total (\(total))")
        }
        await progress.record(
            studyID: record.id, party: party,
            .init(stage: report.stage, done: report.done, total: report.total, updatedAt: now))
        return Response(status: .noContent, headers: [:])
    }

    // MARK: GET /api/v1/studies/{study}/progress

    struct StudyProgress: Encodable {
        struct Party: Encodable {
            var party: Int
            var name: String
            var stage: String
            var done: Int?
            var total: Int?
            var updatedAt: String?

            // Absent counts and times are written as null, so that every party has the same fields.
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(party, forKey: .party)
                try container.encode(name, forKey: .name)
                try container.encode(stage, forKey: .stage)
                try container.encode(done, forKey: .done)
                try container.encode(total, forKey: .total)
                try container.encode(updatedAt, forKey: .updatedAt)
            }

            enum CodingKeys: String, CodingKey { case party, name, stage, done, total, updatedAt }
        }

        var parties: [Party]
        var status: String
    }

    func studyProgress(_ request: Request, _ context: Context) async throws -> Response {
        let record = try await study(context)
        try await requireAnalyst(request, record)
        let facts = try await facts(record)
        let reports = await progress.reports(studyID: record.id)
        let parties = facts.definition.computeParties.enumerated().map { index, party in
            let report = reports[index]
            return StudyProgress.Party(
                party: index + 1, name: party.name, stage: report?.stage ?? "waiting", done: report?.done,
                total: report?.total, updatedAt: report.map { Reply.time($0.updatedAt) })
        }
        return Reply.json(StudyProgress(parties: parties, status: record.status.rawValue))
    }
}
