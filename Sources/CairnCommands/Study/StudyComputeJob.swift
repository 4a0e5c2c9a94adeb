import CairnAnalytics
import CairnClient
import CairnMPC
import CairnNetwork
import CairnStudy
import Crypto
import Foundation

/// One compute party's part in computing a closed study: fetch this party's shares from the
/// service, decrypt them, agree with the other parties on which submissions count, and run the
/// study's computation; the recipient (the analyst's party) gets the results.
struct StudyComputeJob: Sendable {
    let service: ServiceClient
    let studyID: String
    /// This party, 0-based, as in the study's `computeParties`.
    let me: PartyIndex
    let key: SubmissionPrivateKey
    let log: @Sendable (String) -> Void
    /// Where the analyst's dashboard learns this party's stage.
    let progress: ProgressReporter

    /// What this party holds before the computation.
    struct Prepared: Sendable {
        var definition: StudyDefinition
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
        var published = try await service.study(studyID)
        let definition = published.definition
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
            definition: definition, records: records.map { ($0.participant, $0.submission) }, linkGroups: linkGroups,
            shares: shares)
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

        // 1. All parties must have been handed the same submissions, and a submission counts only
        //    if every party could decrypt its share. Both facts are public: they say nothing about
        //    the values. Each party sends the others its digest of the list and its failures.
        await progress.report(.agreeing)
        let agreement = network.transport(session: 1)
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
        let included = prepared.shares.indices.filter { !leftOut[$0] }
        if included.count < prepared.shares.count {
            log("\(me): \(prepared.shares.count - included.count) submissions are left out because a party could not decrypt its share")
        }
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
