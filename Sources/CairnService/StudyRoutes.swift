import CairnStore
import CairnStudy
import Foundation
import Hummingbird

// The operator's and the analyst's endpoints, the public study and the contributor's page.

extension StudyService {
    // MARK: POST /api/v1/studies

    struct CreatedStudy: Encodable {
        var study: String
        var status: String
        var analystCredential: String
    }

    func createStudy(_ request: Request, _ context: Context) async throws -> Response {
        try requireOperator(request)
        let body = try await body(request, limit: configuration.limits.definitionBytes)
        let definition: StudyDefinition
        do {
            definition = try StudyDefinition.load(from: body)
            _ = try StudyFacts(definition: definition)
        } catch let error as StudyProblems {
            let count = error.problems.count == 1 ? "1 problem" : "\(error.problems.count) problems"
            throw ServiceError(
                .unprocessableContent, "the study definition is not valid (\(count))",
                problems: error.problems.map(\.description))
        } catch {
            throw ServiceError(
                .unprocessableContent, "the study definition is not valid", problems: [String(describing: error)])
        }
        let credential = AnalystCredential.generate()
        let record = StudyRecord(
            id: definition.id, definition: body, analystCredentialHash: try await AnalystCredential.hash(credential),
            createdAt: now)
        do {
            try await store.createStudy(record)
        } catch StoreError.studyExists {
            throw ServiceError(.conflict, "a study \"\(definition.id)\" already exists")
        }
        logger.info("study \(definition.id) created")
        return Reply.json(
            CreatedStudy(study: definition.id, status: StudyStatus.open.rawValue, analystCredential: credential),
            status: .created)
    }

    // MARK: GET /api/v1/studies/{study}

    func getStudy(_ request: Request, _ context: Context) async throws -> Response {
        let record = try await study(context)
        func quoted(_ date: Date?) -> String { date.map { "\"\(Reply.time($0))\"" } ?? "null" }
        // The definition as uploaded (it was read as JSON when the study was created).
        var definition = Array(record.definition)
        if definition.starts(with: [0xEF, 0xBB, 0xBF]) { definition.removeFirst(3) }
        let body =
            Array("{\"closedAt\":\(quoted(record.closedAt)),\"createdAt\":\(quoted(record.createdAt)),\"definition\":".utf8)
            + definition + Array(",\"status\":\"\(record.status.rawValue)\"}".utf8)
        return Reply.bytes(body, contentType: "application/json")
    }

    // MARK: GET /api/v1/studies/{study}/definition

    /// The definition exactly as the analyst uploaded it, byte for byte: the bytes whose SHA-256
    /// the participation links carry (``DefinitionDigest``), so that readers can check them.
    func getDefinition(_ request: Request, _ context: Context) async throws -> Response {
        let record = try await study(context)
        return Reply.bytes(record.definition, contentType: "application/json")
    }

    // MARK: POST /api/v1/studies/{study}/links

    struct LinksRequest: Decodable {
        /// The participant tags of codes the analyst's tools made (64 hexadecimal digits each).
        var participants: [String]
        var cohorts: [String: String]?
        /// ISO 8601; the links stop working then (by default, when the study closes).
        var expiresAt: String?
    }

    struct Linked: Encodable {
        var linked: Int
    }

    /// Links participants the analyst issued. The analyst's tools make the participation codes
    /// and send only their tags: the service never sees a code, so it cannot mint contributors
    /// (the parties accept only tags the analyst issued), and it builds no link.
    func createLinks(_ request: Request, _ context: Context) async throws -> Response {
        let record = try await study(context)
        try await requireAnalyst(request, record)
        let body = try await body(request, limit: configuration.limits.linksRequestBytes)
        let wanted: LinksRequest
        do {
            wanted = try JSONDecoder().decode(LinksRequest.self, from: body)
        } catch {
            throw ServiceError(.badRequest, "the body is not a links request: \(Self.explain(error))")
        }
        let maximum = configuration.limits.maximumLinkCount
        guard (1...maximum).contains(wanted.participants.count) else {
            throw ServiceError(
                .unprocessableContent, "participants must list from 1 to \(maximum) tags, not \(wanted.participants.count)")
        }
        var tags: [ParticipantTag] = []
        for (index, text) in wanted.participants.enumerated() {
            guard let tag = ParticipantTag(hex: text), text.utf8.count == 64 else {
                throw ServiceError(
                    .badRequest, "participants[\(index)] is not a participant tag (64 hexadecimal digits): \(Self.short(text))")
            }
            tags.append(tag)
        }
        guard Set(tags).count == tags.count else {
            throw ServiceError(.unprocessableContent, "participants lists a tag more than once")
        }
        let facts = try await facts(record)
        let cohorts = try linkCohorts(wanted.cohorts ?? [:], facts: facts)
        let expiry = try wanted.expiresAt.map { text in
            guard let date = Reply.parseTime(text) else {
                throw ServiceError(.badRequest, "expiresAt must be an ISO 8601 time such as 2027-01-31T23:59:59Z, not \"\(text)\"")
            }
            guard date > now else {
                throw ServiceError(.unprocessableContent, "expiresAt (\(text)) is not in the future")
            }
            return date
        }
        let closed = ServiceError(.conflict, "study \"\(record.id)\" is closed and takes no more participation links")
        guard record.status == .open else { throw closed }
        let created = now
        do {
            // One transaction: all of the request's participants are linked, or none.
            try await store.addParticipants(tags.map {
                ParticipationLink(studyID: record.id, participant: $0, cohortTags: cohorts, createdAt: created, expiresAt: expiry)
            })
        } catch StoreError.participantExists {
            throw ServiceError(
                .conflict, "a participant tag in this request is already linked to the study; nothing was linked. "
                    + "Each link needs a fresh participation code")
        } catch StoreError.studyClosed {
            throw closed
        }
        logger.info("study \(record.id): \(tags.count) participants linked")
        return Reply.json(Linked(linked: tags.count), status: .created)
    }

    /// The cohort tags of new links: every link-assigned cohort with one of its options, nothing else.
    func linkCohorts(_ given: [String: String], facts: StudyFacts) throws -> [String: String] {
        func list(_ options: [String]) -> String { options.map { "\"\($0)\"" }.joined(separator: ", ") }
        var problems: [String] = []
        for cohort in facts.linkCohorts {
            guard let option = given[cohort.id] else {
                problems.append(
                    "cohort \"\(cohort.id)\" is assigned by link: give one of its options (\(list(cohort.options)))")
                continue
            }
            if !cohort.options.contains(option) {
                problems.append(
                    "cohort \"\(cohort.id)\" has no option \(Self.short(option)); its options are \(list(cohort.options))")
            }
        }
        for id in given.keys.sorted() where !facts.linkCohorts.contains(where: { $0.id == id }) {
            problems.append(
                facts.definition.allCohorts.contains { $0.id == id }
                    ? "cohort \"\(id)\" is chosen by each contributor, not assigned by link"
                    : "the study has no cohort \(Self.short(id))")
        }
        guard problems.isEmpty else {
            throw ServiceError(.unprocessableContent, "the links' cohorts do not fit the study: " + problems.joined(separator: "; "))
        }
        return given
    }

    // MARK: GET /api/v1/studies/{study}/participation

    struct Participation: Encodable {
        struct Bucket: Encodable {
            var start: String
            var submissions: Int
            var participants: Int
        }

        var status: String
        var linked: Int
        var submitted: Int
        var byCohort: [String: [String: Int]]
        var bucket: String
        var overTime: [Bucket]
    }

    func participation(_ request: Request, _ context: Context) async throws -> Response {
        let record = try await study(context)
        try await requireAnalyst(request, record)
        let bucket: TimeBucket
        switch request.uri.queryParameters.get("bucket") {
        case nil, "hour": bucket = .hour
        case "day": bucket = .day
        default: throw ServiceError(.badRequest, "bucket must be hour or day")
        }
        let facts = try await facts(record)
        let counts = try await store.participationCounts(studyID: record.id)
        let overTime = try await store.submissionsOverTime(studyID: record.id, bucket: bucket)
        // Every option of every link-assigned cohort, with 0 where nobody has submitted yet.
        var byCohort: [String: [String: Int]] = [:]
        for cohort in facts.linkCohorts {
            byCohort[cohort.id] = Dictionary(uniqueKeysWithValues: cohort.options.map { ($0, counts.byCohort[cohort.id]?[$0] ?? 0) })
        }
        return Reply.json(
            Participation(
                status: record.status.rawValue, linked: counts.linked, submitted: counts.submitted, byCohort: byCohort,
                bucket: bucket == .hour ? "hour" : "day",
                overTime: overTime.map {
                    .init(start: Reply.time($0.start), submissions: $0.submissions, participants: $0.participants)
                }))
    }

    // MARK: POST /api/v1/studies/{study}/close

    struct Closed: Encodable {
        var status: String
        var submitted: Int
    }

    func closeStudy(_ request: Request, _ context: Context) async throws -> Response {
        let record = try await study(context)
        try await requireAnalyst(request, record)
        if record.status == .open {
            try await store.closeStudy(id: record.id, at: now)
            logger.info("study \(record.id) closed")
        }
        let counts = try await store.participationCounts(studyID: record.id)
        return Reply.json(Closed(status: StudyStatus.closed.rawValue, submitted: counts.submitted))
    }

    // MARK: GET /contribute/{study}

    /// A plain page for a participation link: no script, nothing loaded from elsewhere.
    // MARK: - Text

    static func html(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Text from a request, quoted and cut short for a message.
    static func short(_ text: String) -> String {
        text.count <= 60 ? "\"\(text)\"" : "\"\(text.prefix(57))…\""
    }

    /// Which field of a JSON body could not be read.
    static func explain(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "it is not JSON" }
        func field(_ path: [any CodingKey]) -> String {
            "the field \"" + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") + "\""
        }
        switch error {
        case let .keyNotFound(key, context):
            return "\(field(context.codingPath + [key])) is missing"
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            return context.codingPath.isEmpty ? "it is not a JSON object" : "\(field(context.codingPath)) has the wrong type"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty ? "it is not JSON" : "\(field(context.codingPath)) is not valid"
        @unknown default:
            return "it could not be read"
        }
    }
}
