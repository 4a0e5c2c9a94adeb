import CairnMPC
import NIOCore
import Synchronization

/// The messages received from one peer, kept in one FIFO queue per session until the session's
/// transport asks for them.
///
/// Each (peer, session) queue has a single consumer: the session's protocol, which receives from a
/// peer one message at a time. A receive returns the oldest queued message at once, or waits for
/// the next one at most `timeout`; it fails when the connection to the peer has failed (after the
/// messages that arrived before the failure have been taken), when it times out, and when its task
/// is cancelled. Queues that are empty and awaited by no one are dropped, so finished sessions
/// leave nothing behind.
///
/// The peer decides what arrives: it can fill queues of sessions nobody receives from (it is an
/// authenticated party, trusted to follow the protocol; a misbehaving one can exhaust memory but
/// cannot make a receive return another session's message or reorder a session's messages).
final class Inbox: Sendable {
    private struct Waiter {
        let token: UInt64
        let continuation: CheckedContinuation<[UInt64], any Error>
        var timer: Scheduled<Void>?
    }

    private struct Queue {
        var messages: [[UInt64]] = []
        var head = 0
        var waiter: Waiter?

        var isIdle: Bool { head == messages.count && waiter == nil }

        mutating func pop() -> [UInt64]? {
            guard head < messages.count else { return nil }
            let message = messages[head]
            messages[head] = []
            head += 1
            if head == messages.count {
                messages.removeAll(keepingCapacity: true)
                head = 0
            }
            return message
        }
    }

    private struct State {
        var queues: [UInt64: Queue] = [:]
        var failure: MPCError?
        var nextToken: UInt64 = 0

        /// The next message of `session` or the failure, if either is there to take now.
        mutating func takeNow(session: UInt64) -> Result<[UInt64], MPCError>? {
            if var queue = queues[session], let message = queue.pop() {
                queues[session] = queue.isIdle ? nil : queue
                return .success(message)
            }
            if let failure { return .failure(failure) }
            return nil
        }
    }

    /// The peer the messages come from.
    let peer: PartyIndex
    private let timeout: Duration
    private let timerLoop: any EventLoop
    private let state = Mutex(State())

    /// An inbox whose receives wait at most `timeout`, timed on `timerLoop`.
    init(peer: PartyIndex, timeout: Duration, timerLoop: any EventLoop) {
        self.peer = peer
        self.timeout = timeout
        self.timerLoop = timerLoop
    }

    /// Queues `message` for `session`, or hands it to the receive waiting for it.
    func deliver(_ message: [UInt64], session: UInt64) {
        let waiter: Waiter? = state.withLock { state in
            if state.failure != nil { return nil }
            var queue = state.queues[session] ?? Queue()
            if let waiter = queue.waiter {
                queue.waiter = nil
                state.queues[session] = queue.isIdle ? nil : queue
                return waiter
            }
            queue.messages.append(message)
            state.queues[session] = queue
            return nil
        }
        if let waiter {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: message)
        }
    }

    /// Fails every pending and future receive with `failure` once the queued messages are taken.
    /// The first failure stays; later ones are ignored.
    func fail(_ failure: MPCError) {
        let (waiters, error): ([Waiter], MPCError) = state.withLock { state in
            if state.failure == nil { state.failure = failure }
            var waiters: [Waiter] = []
            for (session, var queue) in state.queues {
                guard let waiter = queue.waiter else { continue }
                waiters.append(waiter)
                queue.waiter = nil
                state.queues[session] = queue.isIdle ? nil : queue
            }
            return (waiters, state.failure ?? failure)
        }
        for waiter in waiters {
            waiter.timer?.cancel()
            waiter.continuation.resume(throwing: error)
        }
    }

    /// Whether the inbox has failed.
    var failure: MPCError? { state.withLock { $0.failure } }

    /// The next message of `session`, waiting at most the inbox's timeout.
    ///
    /// - Throws: ``MPCError/peerUnavailable(_:reason:)`` if the connection failed or nothing came
    ///   in time, ``MPCError/cancelled`` if the task is cancelled, and
    ///   ``MPCError/invalidArgument(_:)`` if another receive from this peer in this session is
    ///   already waiting.
    func receive(session: UInt64) async throws -> [UInt64] {
        if let ready = state.withLock({ $0.takeNow(session: session) }) { return try ready.get() }
        let token = state.withLock { state in
            state.nextToken &+= 1
            return state.nextToken
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt64], any Error>) in
                let outcome: Result<[UInt64], MPCError>? = state.withLock { state in
                    if let ready = state.takeNow(session: session) { return ready }
                    if Task.isCancelled { return .failure(.cancelled) }
                    var queue = state.queues[session] ?? Queue()
                    if queue.waiter != nil {
                        return .failure(.invalidArgument("two receives from \(peer) in session \(session) at once"))
                    }
                    queue.waiter = Waiter(token: token, continuation: continuation, timer: nil)
                    state.queues[session] = queue
                    return nil
                }
                if let outcome {
                    continuation.resume(with: outcome.mapError { $0 as any Error })
                    return
                }
                let timer = timerLoop.scheduleTask(in: TimeAmount(timeout)) { [self] in
                    self.expire(session: session, token: token)
                }
                let stored = state.withLock { state in
                    guard var queue = state.queues[session], queue.waiter?.token == token else { return false }
                    queue.waiter?.timer = timer
                    state.queues[session] = queue
                    return true
                }
                // The receive already finished: its timer is not needed.
                if !stored { timer.cancel() }
            }
        } onCancel: {
            resumeWaiter(session: session, token: token, throwing: .cancelled)
        }
    }

    private func expire(session: UInt64, token: UInt64) {
        resumeWaiter(
            session: session, token: token,
            throwing: .peerUnavailable(peer, reason: "sent nothing for \(describeDuration(timeout))"))
    }

    /// Fails the receive identified by `token`, if it is still waiting.
    private func resumeWaiter(session: UInt64, token: UInt64, throwing error: MPCError) {
        let waiter: Waiter? = state.withLock { state in
            guard var queue = state.queues[session], let waiter = queue.waiter, waiter.token == token else { return nil }
            queue.waiter = nil
            state.queues[session] = queue.isIdle ? nil : queue
            return waiter
        }
        guard let waiter else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume(throwing: error)
    }

    /// The number of sessions with queued messages or a waiting receive (for tests).
    var activeSessionCount: Int { state.withLock { $0.queues.count } }
}

/// A duration in seconds for messages: "2 s", "0.5 s".
func describeDuration(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    if attoseconds == 0 { return "\(seconds) s" }
    let value = Double(seconds) + Double(attoseconds) / 1e18
    return "\((value * 1000).rounded() / 1000) s"
}
