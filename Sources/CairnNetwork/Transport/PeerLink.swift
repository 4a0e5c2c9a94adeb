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
    private enum Phase {
        case connecting(waiters: [CheckedContinuation<any Channel, any Error>])
        case connected(any Channel)
        case failed(MPCError)
    }

    /// The peer at the other end.
    let peer: PartyIndex
    /// The peer's messages, by session.
    let inbox: Inbox
    private let phase = Mutex(Phase.connecting(waiters: []))
    private let sent = Atomic<Int>(0)

    init(peer: PartyIndex, inbox: Inbox) {
        self.peer = peer
        self.inbox = inbox
    }

    /// Bytes of frames (length fields, headers and payloads, before TLS) sent to the peer so far.
    var bytesSent: Int { sent.load(ordering: .relaxed) }

    var isConnected: Bool {
        phase.withLock { if case .connected = $0 { true } else { false } }
    }

    var failure: MPCError? {
        phase.withLock { if case let .failed(error) = $0 { error } else { nil } }
    }

    /// Makes `channel` the link's connection. Returns `false`, leaving the link as it was, if the
    /// link is already connected or has failed.
    func attach(_ channel: any Channel) -> Bool {
        let waiters: [CheckedContinuation<any Channel, any Error>]? = phase.withLock { phase in
            guard case let .connecting(waiters) = phase else { return nil }
            phase = .connected(channel)
            return waiters
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(returning: channel) }
        return true
    }

    /// Fails the link with `error` (the first failure stays) and returns the channel it had, so
    /// the caller can close it.
    @discardableResult
    func fail(_ error: MPCError) -> (any Channel)? {
        let (waiters, channel): ([CheckedContinuation<any Channel, any Error>], (any Channel)?) = phase.withLock { phase in
            switch phase {
            case let .connecting(waiters):
                phase = .failed(error)
                return (waiters, nil)
            case let .connected(channel):
                phase = .failed(error)
                return ([], channel)
            case .failed:
                return ([], nil)
            }
        }
        inbox.fail(failure ?? error)
        for waiter in waiters { waiter.resume(throwing: failure ?? error) }
        return channel
    }

    /// The connected channel, waiting while the link is still connecting.
    func connectedChannel() async throws -> any Channel {
        try await withCheckedThrowingContinuation { continuation in
            let outcome: Result<any Channel, MPCError>? = phase.withLock { phase in
                switch phase {
                case var .connecting(waiters):
                    waiters.append(continuation)
                    phase = .connecting(waiters: waiters)
                    return nil
                case let .connected(channel): return .success(channel)
                case let .failed(error): return .failure(error)
                }
            }
            if let outcome { continuation.resume(with: outcome.mapError { $0 as any Error }) }
        }
    }

    /// Writes the frames of one message and waits until TLS has handed them to the socket, so a
    /// sender cannot run ahead of the network by more than one message.
    func send(_ frames: [ByteBuffer], wireLength: Int) async throws {
        let channel: any Channel
        if let connected = phase.withLock({ if case let .connected(channel) = $0 { channel } else { nil } }) {
            channel = connected
        } else {
            channel = try await connectedChannel()
        }
        guard let last = frames.last else { return }
        sent.add(wireLength, ordering: .relaxed)
        do {
            for frame in frames.dropLast() { channel.write(frame, promise: nil) }
            try await channel.writeAndFlush(last).get()
        } catch {
            if let failure { throw failure }
            throw MPCError.peerUnavailable(peer, reason: ConnectionFailure.describe(error))
        }
    }
}
