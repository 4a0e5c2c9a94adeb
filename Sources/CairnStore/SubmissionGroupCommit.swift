import GRDB
import Synchronization

/// Group commit for ``SQLiteStudyStore/submit(_:)``: submissions that arrive while a transaction
/// is being written wait, then go to disk together in the next one.
///
/// With `synchronous = FULL` every commit waits for the disk (about 5 ms on the benchmark machine,
/// so about 200 commits a second); a group shares that wait. An idle store commits a lone
/// submission at once, so nothing waits for company. Each submission runs in its own savepoint:
/// one that is refused (a replay, a closed study) or fails leaves the others of its group
/// untouched, and each caller gets its own receipt or error. A receipt is returned only after the
/// group's commit, so a receipt still means the submission is on disk. If the commit itself fails,
/// every caller of the group gets the error, and none of the group is stored.
final class SubmissionGroupCommit: Sendable {
    private typealias Waiting = (request: SubmissionRequest, continuation: CheckedContinuation<SubmissionReceipt, any Error>)

    private struct State {
        var waiting: [Waiting] = []
        var writing = false
    }

    private let pool: DatabasePool
    private let state = Mutex(State())
    /// The most submissions in one transaction, so that one commit stays short.
    static let largestGroup = 256

    init(pool: DatabasePool) { self.pool = pool }

    func submit(_ request: SubmissionRequest) async throws -> SubmissionReceipt {
        try await withCheckedThrowingContinuation { continuation in
            let startWriter = state.withLock { state in
                state.waiting.append((request, continuation))
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if startWriter { Task { await self.writeGroups() } }
        }
    }

    /// Writes groups until nobody waits.
    private func writeGroups() async {
        while true {
            let group: [Waiting] = state.withLock { state in
                let group = Array(state.waiting.prefix(Self.largestGroup))
                state.waiting.removeFirst(group.count)
                if group.isEmpty { state.writing = false }
                return group
            }
            guard !group.isEmpty else { return }
            let requests = group.map(\.request)
            let outcomes: [Result<SubmissionReceipt, StoreError>]
            do {
                outcomes = try await pool.write { db in
                    requests.map { request in
                        do {
                            var receipt: SubmissionReceipt?
                            try db.inSavepoint {
                                receipt = try SQLiteStudyStore.apply(request, in: db)
                                return .commit
                            }
                            return .success(receipt!)
                        } catch let error as StoreError {
                            return .failure(error)
                        } catch let error as DatabaseError {
                            return .failure(.database(SQLiteStudyStore.describe(error)))
                        } catch {
                            return .failure(.database("\(error)"))
                        }
                    }
                }
            } catch let error as DatabaseError {
                outcomes = requests.map { _ in .failure(.database(SQLiteStudyStore.describe(error))) }
            } catch {
                outcomes = requests.map { _ in .failure(.database("\(error)")) }
            }
            for (waiting, outcome) in zip(group, outcomes) { waiting.continuation.resume(with: outcome.mapError { $0 }) }
        }
    }
}
