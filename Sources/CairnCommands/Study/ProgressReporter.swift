import CairnClient
import CairnStudy
import Foundation

/// Tells the study service which stage this compute party has reached, for the analyst's
/// dashboard (`POST …/parties/{n}/progress`). Best effort: reports go out one at a time in the
/// background, a newer report replaces one not yet sent, and a failure is logged once and never
/// stops the computation. Stages and counts only: nothing about the values or the results.
actor ProgressReporter {
    private struct Report {
        var stage: ComputeStage
        var done: Int?
        var total: Int?
    }

    private let service: ServiceClient
    private let studyID: String
    private let party: Int
    private let log: @Sendable (String) -> Void
    private var token: String?
    private var pending: Report?
    private var sender: Task<Void, Never>?
    private var last: (stage: ComputeStage, at: ContinuousClock.Instant)?
    private var failureLogged = false
    private var accepted: (done: Int, total: Int)?

    /// Counts within one stage go out at most this often; a new stage goes out at once.
    static let interval = Duration.milliseconds(500)

    /// - Parameter party: 0-based, as in the study's `computeParties`.
    init(service: ServiceClient, studyID: String, party: Int, log: @escaping @Sendable (String) -> Void) {
        var quick = service
        // A slow or missing service must not hold up the last report before the party exits.
        quick.timeout = .seconds(5)
        self.service = quick
        self.studyID = studyID
        self.party = party
        self.log = log
    }

    /// Reports need the party's session token; nothing is reported before it is known.
    func start(token: String) { self.token = token }

    /// Queues a report. Counts of the stage last reported are dropped when they come sooner than
    /// ``interval`` after it, unless they complete the stage.
    ///
    /// While `computing`, the counts are the submissions accepted of those delivered; `finished`
    /// repeats them, so that the dashboard can compare them with the service's count.
    func report(_ stage: ComputeStage, done: Int? = nil, total: Int? = nil) {
        guard token != nil else { return }
        if stage == .computing, let done, let total { accepted = (done, total) }
        if stage == .finished, done == nil, let accepted {
            return report(stage, done: accepted.done, total: accepted.total)
        }
        // The stage again without counts keeps the counts already reported for it.
        if let last, last.stage == stage, done == nil, total == nil { return }
        let time = ContinuousClock.now
        if let last, last.stage == stage, time - last.at < Self.interval, done == nil || done != total { return }
        last = (stage, time)
        pending = Report(stage: stage, done: done, total: total)
        if sender == nil { sender = Task { await drain() } }
    }

    private func drain() async {
        while let next = pending, let token {
            pending = nil
            do {
                try await service.reportProgress(
                    study: studyID, party: party, token: token, stage: next.stage, done: next.done, total: next.total)
            } catch {
                if !failureLogged {
                    failureLogged = true
                    let reason = (error as? ServiceError)?.message ?? "\(error)"
                    log("could not report progress to the study service (\(reason)); the computation goes on")
                }
            }
        }
        sender = nil
    }

    /// Waits for the reports queued so far, so that the last stage reaches the service before the
    /// process ends.
    func flush() async {
        while let sender { await sender.value }
    }
}
