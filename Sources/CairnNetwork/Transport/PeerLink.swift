import CairnMPC
import NIOCore
import Synchronization

/// This party's connection to one peer, carrying every session: where sends go and where the
/// peer's messages are delivered.
///
/// A link starts connecting, becomes connected when a channel to the peer has completed its TLS
/// handshake and hello exchange, and fails for good when that channel closes or errs, when it
/// cannot be established in time, or when the network is closed. A failure fails every pending
/// and future receive from the peer and every later send to it with the same error.
final class PeerLink: Sendable {
    private typealias Waiter = CheckedContinuation<any Channel, any Error>

    private enum Phase {
        case connecting
        case connected(any Channel)
        case failed(MPCError)
    }

    private struct State {
        var phase = Phase.connecting
        /// The connection once attached, kept after a failure until ``takeChannel()``: a failed
        /// link's connection stays open (and read) so that a goodbye sent on it can arrive.
        var channel: (any Channel)?
        /// Tasks waiting for the connection, by token.
        var waiters: [UInt64: Waiter] = [:]
        var nextToken: UInt64 = 0
    }

    /// The peer at the other end.
    let peer: PartyIndex
    /// The peer's messages, by session.
    let inbox: Inbox
    private let state = Mutex(State())
    private let sent = Atomic<Int>(0)

    /// How long one frame may wait to be written before the peer is deemed to have stopped reading.
    private let writeTimeout: Duration

    init(peer: PartyIndex, inbox: Inbox, writeTimeout: Duration) {
        self.peer = peer
        self.inbox = inbox
        self.writeTimeout = writeTimeout
    }

    /// The connected channel, if any (for tests).
    var channel: (any Channel)? {
        state.withLock { if case let .connected(channel) = $0.phase { channel } else { nil } }
    }

    /// Bytes of frames (length fields, headers and payloads, before TLS) sent to the peer so far.
    var bytesSent: Int { sent.load(ordering: .relaxed) }

    var isConnected: Bool {
        state.withLock { if case .connected = $0.phase { true } else { false } }
    }

    var failure: MPCError? {
        state.withLock { if case let .failed(error) = $0.phase { error } else { nil } }
    }

    /// The connection this link ever had, handed over once, for closing.
    func takeChannel() -> (any Channel)? {
        state.withLock { state in
            defer { state.channel = nil }
            return state.channel
        }
    }

    /// The connection, if the link is connected now.
    var attachedChannel: (any Channel)? {
        state.withLock { if case let .connected(channel) = $0.phase { channel } else { nil } }
    }

    /// Makes `channel` the link's connection. Returns `false`, leaving the link as it was, if the
    /// link is already connected or has failed.
    func attach(_ channel: any Channel) -> Bool {
        let waiters: [Waiter]? = state.withLock { state in
            guard case .connecting = state.phase else { return nil }
            state.phase = .connected(channel)
            state.channel = channel
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(returning: channel) }
        return true
    }

    /// Fails the link with `error` (the first failure stays) and returns the channel it had, so
    /// the caller can close it.
    @discardableResult
    func fail(_ error: MPCError) -> (any Channel)? {
        let (waiters, channel, failure): ([Waiter], (any Channel)?, MPCError) = state.withLock { state in
            var channel: (any Channel)?
            switch state.phase {
            case .connecting: state.phase = .failed(error)
            case let .connected(connected):
                channel = connected
                state.phase = .failed(error)
            case let .failed(earlier): return ([], nil, earlier)
            }
            defer { state.waiters = [:] }
            return (Array(state.waiters.values), channel, error)
        }
        inbox.fail(failure)
        for waiter in waiters { waiter.resume(throwing: failure) }
        return channel
    }

    /// The connected channel, waiting while the link is still connecting.
    ///
    /// - Throws: the link's failure, or ``MPCError/cancelled`` if the task is cancelled.
    func connectedChannel() async throws -> any Channel {
        let token: UInt64 = state.withLock { state in
            switch state.phase {
            case .connected, .failed: return 0
            case .connecting:
                state.nextToken += 1
                return state.nextToken
            }
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                let outcome: Result<any Channel, MPCError>? = state.withLock { state in
                    switch state.phase {
                    case let .connected(channel): return .success(channel)
                    case let .failed(error): return .failure(error)
                    case .connecting:
                        if Task.isCancelled { return .failure(.cancelled) }
                        state.waiters[token] = continuation
                        return nil
                    }
                }
                if let outcome { continuation.resume(with: outcome.mapError { $0 as any Error }) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: token) }
            waiter?.resume(throwing: MPCError.cancelled)
        }
    }

    /// Writes the frames of one message, one after the other, each once the previous one has been
    /// handed to the socket: a sender cannot run ahead of the network by more than a frame.
    ///
    /// A frame that cannot be written within the write timeout means the peer has stopped reading
    /// (its socket buffer is full): the link fails and the connection is closed, so a send never
    /// hangs.
    func send(_ frames: [ByteBuffer], wireLength: Int) async throws {
        let channel: any Channel
        if let connected = self.channel {
            channel = connected
        } else {
            channel = try await connectedChannel()
        }
        sent.add(wireLength, ordering: .relaxed)
        do {
            for frame in frames {
                let written = channel.eventLoop.makePromise(of: Void.self)
                channel.writeAndFlush(frame, promise: written)
                let timer = channel.eventLoop.scheduleTask(in: TimeAmount(writeTimeout)) { [self] in
                    fail(.peerUnavailable(peer, reason: "stopped reading: a frame could not be sent for \(describeDuration(writeTimeout))"))?
                        .close(promise: nil)
                }
                defer { timer.cancel() }
                try await written.futureResult.get()
            }
        } catch {
            if let failure { throw failure }
            throw MPCError.peerUnavailable(peer, reason: ConnectionFailure.describe(error))
        }
    }
}
