import CairnAnalytics
import CairnClient
import CairnMPC
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

    /// What this party holds before the computation.
    struct Prepared: Sendable {
        var definition: StudyDefinition
        /// Every delivered submission, in the service's order (by participant tag).
        var records: [(participant: ParticipantTag, submission: UInt32)]
        /// This party's additive share of each submission's vector; `nil` where it did not decrypt.
        var shares: [[UInt64]?]
    }

    /// Checks the study and this party's key, waits for the study to close if asked, fetches and
    /// decrypts this party's shares.
    func prepare(waitUntilClosed: Bool) async throws -> Prepared {
        var published = try await service.study(studyID)
        let definition = published.definition
        let parties = definition.computeParties
        guard parties.count == 3 else {
            throw JobError("study \"\(studyID)\" has \(parties.count) compute parties; `cairn compute` runs three-party studies")
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
        let records = try await service.allShares(study: studyID, party: me.rawValue, token: token)
        log("\(me): fetched \(records.count) submissions in \(Self.seconds(since: started))")

        let decrypting = ContinuousClock.now
        let count = definition.cellLayout.vectorLength
        let shares = await Self.open(records, studyID: studyID, partyCount: parties.count, count: count, key: key, log: log)
        let failed = shares.filter { $0 == nil }.count
        log("\(me): decrypted \(records.count - failed) shares in \(Self.seconds(since: decrypting))"
            + (failed > 0 ? "; \(failed) did not decrypt" : ""))
        return Prepared(definition: definition, records: records.map { ($0.participant, $0.submission) }, shares: shares)
    }

    /// Decrypts and expands the shares on every core, keeping their order; `nil` for a share
    /// that does not open, with the reason logged (it names the submission, never a secret).
    static func open(
        _ records: [PartyShareRecord], studyID: String, partyCount: Int, count: Int, key: SubmissionPrivateKey,
        log: @escaping @Sendable (String) -> Void
    ) async -> [[UInt64]?] {
        (try? await StudyBenchmark.parallelMap(records) { record -> [UInt64]? in
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

    /// Runs on every party at once. Returns the results at the recipient, `nil` elsewhere.
    func compute(_ prepared: Prepared, on party: Party) async throws -> (results: StudyResults, contributors: Int)? {
        let definition = prepared.definition
        // 1. All parties must have been handed the same submissions.
        let listed = Self.digest(prepared.records)
        for owner in PartyIndex.all {
            let shared: ArithmeticShared = try await party.share(owner == me ? listed : nil, from: owner, count: listed.count)
            guard try await party.reveal(shared) == listed else {
                throw JobError(
                    "the study service delivered different submissions to \(me) and \(owner); nothing was computed. "
                        + "Ask the service provider to check the service, then run the computation again")
            }
        }
        // 2. A submission counts only if every party could decrypt its share (which submissions
        //    failed is public: it says nothing about the values).
        let failed = prepared.shares.map { $0 == nil ? UInt64(1) : 0 }
        var leftOut = [Bool](repeating: false, count: failed.count)
        for owner in PartyIndex.all {
            let shared: ArithmeticShared = try await party.share(owner == me ? failed : nil, from: owner, count: failed.count)
            for (k, flag) in try await party.reveal(shared).enumerated() where flag != 0 { leftOut[k] = true }
        }
        let included = prepared.shares.indices.filter { !leftOut[$0] }
        if included.count < prepared.shares.count {
            log("\(me): \(prepared.shares.count - included.count) submissions are left out because a party could not decrypt its share")
        }
        var mine: [UInt64] = []
        mine.reserveCapacity(included.count * definition.cellLayout.vectorLength)
        for k in included { mine += prepared.shares[k]! }

        // 3. The statistics, revealed to the recipient only.
        let started = ContinuousClock.now
        let recipient = try Self.recipient(of: definition)
        let contributions = try await party.fromAdditiveShares(mine)
        let results = try await StudyComputation(definition: definition).run(on: party, contributions: contributions, recipient: recipient)
        log("\(me): computed the statistics of \(included.count) contributors in \(Self.seconds(since: started))")
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

    static func seconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return String(format: "%.2f s", seconds)
    }
}

/// A plain-language failure of a command's job.
struct JobError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
