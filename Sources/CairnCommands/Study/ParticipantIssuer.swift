import CairnClient
import CairnStudy
import Foundation

/// The analyst's side of making participation links (`cairn links`, the demo): fresh codes made
/// here, their tags appended to the analyst's list of issued participants, then sent to the
/// service, which never sees a code. Each link carries the code and the digest of the
/// definition the analyst published (``ParticipationLinkURL``).
struct ParticipantIssuer: Sendable {
    let service: ServiceClient
    let studyID: String
    let credential: String
    /// The definition's bytes as the analyst created the study with them.
    let definition: Data
    /// Where contributors open their links: the service's public address.
    let linkBase: String
    /// The analyst's list of issued participant tags (``IssuedParticipants``), appended to.
    let issuedFile: URL

    /// Tags sent per request: the service takes links requests up to 64 KiB.
    static let tagsPerRequest = 500

    struct Link: Sendable {
        var link: ParticipationLinkURL
        var cohorts: [String: String]
    }

    /// `count` new links assigning `cohorts`. The service must serve the same definition bytes:
    /// links to another study would be refused by every contributor.
    func issue(count: Int, cohorts: [String: String] = [:], expiresAt: Date? = nil) async throws -> [Link] {
        let digest = DefinitionDigest(of: definition)
        let served = DefinitionDigest(of: try await service.definitionBytes(studyID))
        guard served == digest else {
            throw JobError(
                "the study service at \(service.baseURL) serves a definition of study \"\(studyID)\" that is not the one "
                    + "given here (the service's \(served.short)…, yours \(digest.short)…); no links were made. Links must "
                    + "carry the digest of the definition the study was created with")
        }
        let codes = (0..<count).map { _ in ParticipationCode.generate() }
        let tags = codes.map { ParticipantTag(studyID: studyID, participationCode: $0) }
        // The list first: a tag the service never links is harmless, a linked tag missing from the
        // list would leave its contributor's submission out.
        try Self.append(tags, to: issuedFile)
        for start in stride(from: 0, to: tags.count, by: Self.tagsPerRequest) {
            _ = try await service.linkParticipants(
                study: studyID, tags: Array(tags[start..<min(start + Self.tagsPerRequest, tags.count)]), cohorts: cohorts,
                expiresAt: expiresAt, credential: credential)
        }
        let base = linkBase.hasSuffix("/") ? String(linkBase.dropLast()) : linkBase
        return codes.map {
            Link(link: ParticipationLinkURL(serviceURL: base, studyID: studyID, code: $0, digest: digest), cohorts: cohorts)
        }
    }

    /// Appends tags to the issued list, creating it readable and writable by the owner only.
    static func append(_ tags: [ParticipantTag], to file: URL) throws {
        let manager = FileManager.default
        if !manager.fileExists(atPath: file.path) {
            try PartyFiles.writePrivate("", to: file)
        }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(IssuedParticipants.lines(tags).utf8))
    }

    /// The links as CSV for mail merge: `url,code` then one column per link-assigned cohort.
    static func csv(_ links: [Link], cohortColumns: [String]) -> String {
        CSV.write([["url", "code"] + cohortColumns]
            + links.map { link in [link.link.text, link.link.code] + cohortColumns.map { link.cohorts[$0] ?? "" } })
    }
}
