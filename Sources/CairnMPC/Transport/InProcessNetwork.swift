import Synchronization

/// Three parties' transports connected through memory, for tests and single-process benchmarks.
///
/// A message is handed over without copying its words. The network is not a stand-in for a real
/// deployment: every party runs in this process, so nothing here is secret from anyone.
public final class InProcessNetwork: Sendable {
    private let mailboxes: [Mailbox]  // indexed by sender * 3 + receiver

    public init() {
        mailboxes = (0..<9).map { _ in Mailbox() }
    }

    /// The transport that `party` uses.
    public func transport(for party: PartyIndex) -> some Transport {
        InProcessTransport(party: party, network: self)
    }

    fileprivate func mailbox(from sender: PartyIndex, to receiver: PartyIndex) -> Mailbox {
        mailboxes[sender.rawValue * 3 + receiver.rawValue]
    }

    /// Makes every pending and future `receive` fail: the computation was aborted by `party`.
    public func abort(by party: PartyIndex, reason: String) {
        for receiver in PartyIndex.all where receiver != party {
            mailbox(from: party, to: receiver).close(MPCError.peerUnavailable(party, reason: reason))
        }
    }
}

private struct InProcessTransport: Transport {
    let party: PartyIndex
    let network: InProcessNetwork

    func send(_ words: [UInt64], to peer: PartyIndex) async throws {
        network.mailbox(from: party, to: peer).put(words)
    }

    func receive(from peer: PartyIndex) async throws -> [UInt64] {
        try await network.mailbox(from: peer, to: party).take()
    }
}

/// A single-consumer FIFO queue of messages.
private final class Mailbox: Sendable {
    private struct State {
        var queue: [[UInt64]] = []
        var head = 0
        var waiter: CheckedContinuation<[UInt64], any Error>?
        var failure: MPCError?
    }

    private let state = Mutex(State())

    func put(_ message: [UInt64]) {
        let waiter: CheckedContinuation<[UInt64], any Error>? = state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.queue.append(message)
            return nil
        }
        waiter?.resume(returning: message)
    }

    func close(_ failure: MPCError) {
        let waiter = state.withLock { state in
            state.failure = state.failure ?? failure
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: failure)
    }

    func take() async throws -> [UInt64] {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let outcome: Result<[UInt64], any Error>? = state.withLock { state in
                    if state.head < state.queue.count {
                        let message = state.queue[state.head]
                        state.queue[state.head] = []
                        state.head += 1
                        if state.head == state.queue.count {
                            state.queue.removeAll(keepingCapacity: true)
                            state.head = 0
                        }
                        return .success(message)
                    }
                    if let failure = state.failure { return .failure(failure) }
                    if Task.isCancelled { return .failure(MPCError.cancelled) }
                    state.waiter = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: MPCError.cancelled)
        }
    }
}
