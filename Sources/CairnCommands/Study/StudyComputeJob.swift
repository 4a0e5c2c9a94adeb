import CairnAnalytics
import CairnClient
import CairnMPC
import CairnNetwork
import CairnStudy
import Crypto
import Foundation
import Synchronization

/// One compute party's part in computing a closed study: fetch this party's shares from the
/// service, decrypt them, agree with the other parties on which submissions count, and run the
/// study's computation; the recipient (the analyst's party) gets the results.
struct StudyComputeJob: Sendable {
    let service: ServiceClient
    let studyID: String
    /// This party, 0-based, as in the study's `computeParties`.
    let me: PartyIndex
    let key: SubmissionPrivateKey
    /// The definition's bytes as the analyst handed them to this party, independently of the
    /// service (`--definition`): the study this party computes, whatever the service serves.
    let definitionBytes: Data
    /// Where the definition came from, for messages.
    let definitionSource: String
    /// The participants the analyst issued (`--issued-participants`); needed by the study's
    /// recipient, the analyst's party, which tells the others which submissions carry an issued tag.
    let issued: IssuedParticipants?
    let log: @Sendable (String) -> Void
    /// Where the analyst's dashboard learns this party's stage.
    let progress: ProgressReporter
    /// What was left out and why, in plain words, for the analyst's party to print with the results.
    let leftOutNotices = LeftOutNotices()

    /// What this party holds before the computation.
    struct Prepared: Sendable {
        var definition: StudyDefinition
        /// The SHA-256 of the definition this party holds, compared with the other parties' first.
        var digest: DefinitionDigest
        /// Set when the service serves other definition bytes than this party holds: the
        /// computation stops once the parties have compared their own definitions.
        var serviceMismatch: String?
        /// Every delivered submission, in the service's order (by participant tag).
        var records: [(participant: ParticipantTag, submission: UInt32)]
        /// Each submission's cohort options assigned by its link (positions among all options).
        var linkGroups: [[Int]]
        /// This party's additive share of each submission's vector; `nil` where it did not decrypt.
        var shares: [[UInt64]?]
    }

    /// Checks the study and this party's key, waits for the study to close if asked, fetches and
    /// decrypts this party's shares.
    func prepare(waitUntilClosed: Bool) async throws -> Prepared {
        let definition = try StudyDefinition.load(from: definitionBytes, name: definitionSource)
        guard definition.id == studyID else {
            throw JobError("\(definitionSource) defines study \"\(definition.id)\", not \"\(studyID)\"")
        }
        if try Self.recipient(of: definition) == me, issued == nil {
            throw JobError(
                "\(me) receives the study's results, so it must check that every submission comes from a participant "
                    + "the analyst issued: pass --issued-participants with the list `cairn links` or the analyst's "
                    + "dashboard wrote (\(studyID).issued-participants)")
        }
        let digest = DefinitionDigest(of: definitionBytes)
        var published = try await service.study(studyID)
        let served = DefinitionDigest(of: try await service.definitionBytes(studyID))
        let serviceMismatch = served == digest ? nil : (
            "the study service at \(service.baseURL) serves a definition of study \"\(studyID)\" that differs from "
                + "\(definitionSource) (the service's \(served.short)…, this party's \(digest.short)…); nothing was computed. "
                + "Ask the analyst which definition is the study's")
        if serviceMismatch != nil { log("\(me): the study service serves another definition than \(definitionSource)") }
        let parties = definition.computeParties
        guard me.rawValue < parties.count else {
            throw JobError("study \"\(studyID)\" has \(parties.count) compute parties; this configuration is for \(me)")
        }
        let mine = parties[me.rawValue]
        guard (try? SubmissionPublicKey(base64: mine.submissionKey)) == key.publicKey else {
            throw JobError(
                "this party's submission key does not match the key the study lists for \(me) (\"\(mine.name)\"): "
                    + "check the --submission-key file, or the party number in the configuration")
        }
        if published.isOpen {
            guard waitUntilClosed else {
                throw JobError("study \"\(studyID)\" is still open; the analyst closes it with `cairn study close`, or pass --wait")
            }
            log("\(me): waiting for study \"\(studyID)\" to close")
            while published.isOpen {
                try await Task.sleep(for: .seconds(1))
                published = try await service.study(studyID)
            }
        }

        let started = ContinuousClock.now
        let token = try await service.openPartySession(study: studyID, party: me.rawValue, partyCount: parties.count, key: key)
        await progress.start(token: token)
        await progress.report(.fetching, done: 0)
        let progress = self.progress
        let records = try await service.allShares(study: studyID, party: me.rawValue, token: token) { fetched in
            await progress.report(.fetching, done: fetched)
        }
        log("\(me): fetched \(records.count) submissions in \(Stopwatch.text(since: started))")

        let decrypting = ContinuousClock.now
        let count = definition.cellLayout.vectorLength
        await progress.report(.decrypting, done: 0, total: records.count)
        // In batches, each on every core, so that the dashboard sees decryption advance: while a
        // batch runs, no thread is free to send a report.
        var shares: [[UInt64]?] = []
        shares.reserveCapacity(records.count)
        let batch = max(500, (records.count + 9) / 10)
        for start in stride(from: 0, to: records.count, by: batch) {
            shares += await Self.open(
                Array(records[start..<min(start + batch, records.count)]), studyID: studyID, partyCount: parties.count,
                count: count, key: key, log: log)
            await progress.report(.decrypting, done: shares.count, total: records.count)
        }
        let failed = shares.filter { $0 == nil }.count
        log("\(me): decrypted \(records.count - failed) shares in \(Stopwatch.text(since: decrypting))"
            + (failed > 0 ? "; \(failed) did not decrypt" : ""))
        var linkGroups: [[Int]] = []
        let layout = definition.cellLayout
        for (k, record) in records.enumerated() {
            guard let groups = Self.linkGroups(record, definition: definition) else {
                log("left out: \(record.reference(studyID: studyID)): its participation link does not assign the study's cohorts")
                shares[k] = nil
                linkGroups.append([])
                continue
            }
            linkGroups.append(groups)
            if shares[k] != nil { Self.fixLinkCohorts(&shares[k]!, groups: groups, definition: definition, layout: layout, me: me) }
        }
        return Prepared(
            definition: definition, digest: digest, serviceMismatch: serviceMismatch,
            records: records.map { ($0.participant, $0.submission) }, linkGroups: linkGroups, shares: shares)
    }

    /// The positions (among all cohort options) of the options `record`'s link assigned, or
    /// `nil` if it does not assign every cohort the study assigns by link.
    static func linkGroups(_ record: PartyShareRecord, definition: StudyDefinition) -> [Int]? {
        var groups: [Int] = [], position = 0
        for cohort in definition.allCohorts {
            defer { position += cohort.options.count }
            guard cohort.source == .link else { continue }
            guard let option = record.linkCohorts[cohort.id].flatMap(cohort.options.firstIndex(of:)) else { return nil }
            groups.append(position + option)
        }
        return groups
    }

    /// Replaces the contributor's own indicators of link-assigned cohorts by the link's: party 1's
    /// additive share becomes the public indicator and the others' zero, so that a contributor
    /// cannot count itself in another cohort than its link's.
    static func fixLinkCohorts(_ share: inout [UInt64], groups: [Int], definition: StudyDefinition, layout: CellLayout, me: PartyIndex) {
        // Option positions count from the first cohort indicator, which follows the cells' values
        // and presence bits.
        let firstIndicator = 2 * layout.cellCount
        for (cohort, block) in zip(definition.allCohorts, layout.cohorts) where cohort.source == .link {
            for option in 0..<block.options {
                let assigned = groups.contains(block.firstPosition - firstIndicator + option)
                share[block.firstPosition + option] = me == .zero && assigned ? 1 : 0
            }
        }
    }

    /// Decrypts and expands the shares on every core, keeping their order; `nil` for a share
    /// that does not open, with the reason logged (it names the submission, never a secret).
    static func open(
        _ records: [PartyShareRecord], studyID: String, partyCount: Int, count: Int, key: SubmissionPrivateKey,
        log: @escaping @Sendable (String) -> Void
    ) async -> [[UInt64]?] {
        (try? await Concurrently.map(records) { record -> [UInt64]? in
            do {
                return try record.share.open(
                    partyCount: partyCount, for: record.reference(studyID: studyID), expectedCount: count, using: key
                ).expand()
            } catch {
                log("left out: \(error)")
                return nil
            }
        }) ?? []
    }

    /// Runs on every party at once, over `network`'s sessions 1 (agreement) and 2 (computation).
    /// Returns the results at the recipient, `nil` elsewhere.
    func compute(
        _ prepared: Prepared, network: some SessionTransports
    ) async throws -> (results: StudyResults, contributors: Int)? {
        let definition = prepared.definition
        let partyCount = definition.computeParties.count
        let peers = PartyIndex.all.prefix(partyCount).filter { $0 != me }

        // 1. All parties must hold the same definition (the analyst's, byte for byte: the service
        //    could serve each party another one), must have been handed the same submissions, and
        //    a submission counts only if every party could decrypt its share. These facts are
        //    public: they say nothing about the values. Each party sends the others its
        //    definition's digest first, then its digest of the list and its failures.
        await progress.report(.agreeing)
        let agreement = network.transport(session: 1)
        try await compareDefinitions(prepared, over: agreement, peers: Array(peers))
        if let serviceMismatch = prepared.serviceMismatch { throw JobError(serviceMismatch) }
        let failed = prepared.shares.map { $0 == nil ? UInt64(1) : 0 }
        let mine = Self.digest(prepared.records) + failed
        for peer in peers { try await agreement.send(mine, to: peer) }
        var leftOut = failed.map { $0 != 0 }
        for peer in peers {
            let theirs = try await agreement.receive(from: peer)
            guard theirs.count == mine.count, theirs.prefix(4) == mine.prefix(4) else {
                throw JobError(
                    "the study service delivered different submissions to \(me) and \(peer); nothing was computed. "
                        + "Ask the service provider to check the service, then run the computation again")
            }
            for (k, flag) in theirs.dropFirst(4).enumerated() where flag != 0 { leftOut[k] = true }
        }
        let undecrypted = leftOut.filter { $0 }.count
        if undecrypted > 0 {
            log("\(me): \(undecrypted) submissions are left out because a party could not decrypt its share")
        }
        for (k, accepted) in try await acceptedParticipants(prepared, over: agreement, peers: Array(peers)).enumerated() where !accepted {
            leftOut[k] = true
        }
        let included = prepared.shares.indices.filter { !leftOut[$0] }
        // The dashboard shows this count beside the service's count of submissions.
        await progress.report(.computing, done: included.count, total: prepared.records.count)
        var shares: [UInt64] = []
        shares.reserveCapacity(included.count * definition.cellLayout.vectorLength)
        for k in included { shares += prepared.shares[k]! }

        // 2. The statistics, revealed to the recipient only.
        await progress.report(.computing)
        let started = ContinuousClock.now
        let recipient = try Self.recipient(of: definition)
        let results: StudyResults?
        if partyCount == 2 {
            log("\(me): with two compute parties the contributions are not checked against the study's rules")
            results = try await TwoPartyStudyComputation(definition: definition).run(
                over: network.transport(session: 2), shares: shares, groups: included.map { prepared.linkGroups[$0] },
                recipient: recipient)
        } else {
            let party = try await Party.connect(over: network.transport(session: 2))
            let contributions = try await party.fromAdditiveShares(shares)
            results = try await StudyComputation(definition: definition).run(
                on: party, contributions: contributions, recipient: recipient, log: { log("\(me): \($0)") })
        }
        log("\(me): computed the statistics of \(included.count) contributors in \(Stopwatch.text(since: started))")
        if let leftOut = results?.leftOut, leftOut > 0 {
            log("\(me): \(leftOut) contributions did not follow the study's rules and were left out; nobody learns which")
        }
        return results.map { ($0, included.count) }
    }

    /// Which delivered submissions may count: those whose participant the analyst issued (the
    /// recipient, which holds the list, tells the others) and whose tag the service delivered
    /// once. A service that adds contributors of its own or replays one is caught here; what it
    /// did is logged in plain words.
    ///
    /// One message from the recipient to each other party: one word per delivered submission.
    /// Reveals which delivered tags were issued, which every party can see anyway.
    func acceptedParticipants(_ prepared: Prepared, over agreement: any Transport, peers: [PartyIndex]) async throws -> [Bool] {
        let recipient = try Self.recipient(of: prepared.definition)
        let issuedFlags: [UInt64]
        if me == recipient, let issued {
            issuedFlags = prepared.records.map { issued.tags.contains($0.participant) ? 1 : 0 }
            for peer in peers { try await agreement.send(issuedFlags, to: peer) }
        } else {
            issuedFlags = try await agreement.receive(from: recipient)
            guard issuedFlags.count == prepared.records.count else {
                throw JobError("\(recipient) sent \(issuedFlags.count) issued-participant flags for \(prepared.records.count) submissions")
            }
        }
        var deliveries: [ParticipantTag: Int] = [:]
        for record in prepared.records { deliveries[record.participant, default: 0] += 1 }
        let repeated = prepared.records.map { deliveries[$0.participant]! > 1 }
        let unissued = issuedFlags.filter { $0 == 0 }.count
        let replayed = repeated.filter { $0 }.count
        func submissions(_ n: Int) -> String { n == 1 ? "1 submission" : "\(n) submissions" }
        if unissued > 0 {
            leftOutNotices.add("the service delivered \(submissions(unissued)) from participants the analyst never issued; "
                + "\(unissued == 1 ? "it was" : "they were") left out")
        }
        if replayed > 0 {
            leftOutNotices.add("the service delivered \(submissions(replayed)) under participant tags it delivered more than once; "
                + "\(replayed == 1 ? "it was" : "they were") left out")
        }
        for notice in leftOutNotices.all { log("\(me): \(notice)") }
        return zip(issuedFlags, repeated).map { $0 == 1 && !$1 }
    }

    /// Sends this party's definition digest to every peer and checks theirs: on a difference,
    /// every party stops, naming the party whose definition differs from its own.
    ///
    /// One round; 4 words sent to each peer; reveals only the digests, which are public.
    func compareDefinitions(_ prepared: Prepared, over agreement: any Transport, peers: [PartyIndex]) async throws {
        for peer in peers { try await agreement.send(prepared.digest.words, to: peer) }
        // Every digest is read before any party stops, so that each hears all the others first.
        var received: [(PartyIndex, DefinitionDigest?)] = []
        for peer in peers { received.append((peer, DefinitionDigest(words: try await agreement.receive(from: peer)))) }
        for (peer, theirs) in received {
            guard theirs == prepared.digest else {
                let name = prepared.definition.computeParties[peer.rawValue].name
                throw JobError(
                    "\(peer) (\"\(name)\") holds a different study definition than \(me): theirs "
                        + "\(theirs.map { $0.short + "…" } ?? "unreadable"), ours \(prepared.digest.short)…; nothing was computed. "
                        + "Every party must be handed the same definition file by the analyst")
            }
        }
    }

    /// The compute party that receives the results: the study's (first) recipient.
    static func recipient(of definition: StudyDefinition) throws -> PartyIndex {
        guard let id = definition.recipients.first, let index = definition.computeParties.firstIndex(where: { $0.id == id }),
            let party = PartyIndex(rawValue: index)
        else { throw JobError("the study names no compute party as the recipient of its results") }
        return party
    }

    /// Four words of SHA-256 over the delivered (participant, submission) list.
    static func digest(_ records: [(participant: ParticipantTag, submission: UInt32)]) -> [UInt64] {
        var hash = SHA256()
        for record in records {
            hash.update(data: record.participant.bytes)
            withUnsafeBytes(of: record.submission.bigEndian) { hash.update(bufferPointer: $0) }
        }
        let bytes = Array(hash.finalize())
        return (0..<4).map { word in bytes[8 * word..<8 * word + 8].reduce(0) { $0 << 8 | UInt64($1) } }
    }

}

/// Plain-language lines about submissions left out at close.
final class LeftOutNotices: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func add(_ line: String) { lines.withLock { $0.append(line) } }
}

/// Where a party gets one transport per protocol session: `PartyNetwork`, or an in-process
/// network in tests.
protocol SessionTransports: Sendable {
    func transport(session: UInt64) -> any Transport
}

extension PartyNetwork: SessionTransports {}

/// A plain-language failure of a command's job.
struct JobError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
