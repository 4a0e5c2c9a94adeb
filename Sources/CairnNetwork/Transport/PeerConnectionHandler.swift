import CairnMPC
import NIOCore
import NIOTLS

/// The top of a connection's pipeline: completes the hello exchange after the TLS handshake,
/// attaches the connection to its peer's link, delivers the peer's messages to the link's inbox,
/// and fails the link when the connection ends.
///
/// Hello: as soon as its TLS handshake completes, each side sends one hello frame (the words of
/// ``NetworkCore/hello(from:)``). A side attaches the connection when it has received the peer's
/// hello naming the party its certificate identified. Before that, any other frame ends the
/// connection; after it, a hello does.
final class PeerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ReceivedMessage
    typealias OutboundOut = ByteBuffer

    enum Role {
        /// This party dialed `peer`; `established` reports the outcome of the attempt.
        case dialer(peer: PartyIndex, established: EventLoopPromise<Void>)
        /// This party accepted the connection; the certificate tells who it is.
        case listener
    }

    private enum Phase {
        case handshaking
        case awaitingHello(PartyIndex)
        case attached(PeerLink)
        case closed
    }

    private let core: NetworkCore
    private let role: Role
    private let verification: PeerVerification
    private var phase = Phase.handshaking
    /// Why the connection is ending, once known.
    private var failure: ConnectionFailure?
    /// Drops an accepted connection that has not completed its TLS handshake and hello in time.
    private var handshakeDeadline: Scheduled<Void>?

    init(core: NetworkCore, role: Role, verification: PeerVerification) {
        self.core = core
        self.role = role
        self.verification = verification
    }

    /// The event NIOSSL fires when the TLS handshake completes (for tests that stand in for TLS).
    static let handshakeCompletedEvent: any Sendable = TLSUserEvent.handshakeCompleted(negotiatedProtocol: nil)

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            handshakeCompleted(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func handshakeCompleted(context: ChannelHandlerContext) {
        guard case .handshaking = phase else { return }
        let peer: PartyIndex
        switch role {
        case let .dialer(dialed, _):
            peer = dialed
        case .listener:
            guard let identified = verification.party else {
                end(context, ConnectionFailure(reason: "a connection was refused: its certificate was not checked", isFatal: false))
                return
            }
            if core.links[identified]?.isConnected ?? true {
                end(context, ConnectionFailure(reason: "a second connection from \(identified) was refused", isFatal: false))
                return
            }
            peer = identified
        }
        phase = .awaitingHello(peer)
        let frames = MessageFrame.encode(
            NetworkCore.hello(from: core.party), session: 0, flags: .hello, allocator: context.channel.allocator)
        for frame in frames { context.write(wrapOutboundOut(frame), promise: nil) }
        context.flush()
    }

    /// Whether the peer ended the connection with a goodbye (so there is nothing to pass on).
    private var receivedGoodbye = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        switch (phase, message) {
        case let (.attached(link), .data(session, words)):
            link.inbox.deliver(words, session: session)
        case let (.attached, .goodbye(reason)):
            receivedGoodbye = true
            let failure = reason == MessageFrame.finished
                ? "finished its part of the computation and disconnected"
                : "stopped the computation because \(reason)"
            end(context, ConnectionFailure(reason: failure, isFatal: false))
        case let (.awaitingHello(peer), .hello(words)):
            guard words == NetworkCore.hello(from: peer) else {
                end(context, ConnectionFailure(reason: "sent a hello that does not identify it as \(peer)", isFatal: true))
                return
            }
            guard let link = core.links[peer], link.attach(context.channel) else {
                end(context, ConnectionFailure(reason: "a second connection from \(peer) was refused", isFatal: false))
                return
            }
            phase = .attached(link)
            handshakeDeadline?.cancel()
            handshakeDeadline = nil
            core.linkAttached(context.channel)
            if case let .dialer(_, established) = role { established.succeed(()) }
        case (.closed, _):
            break
        default:
            end(context, ConnectionFailure(reason: "sent a malformed frame", isFatal: false))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if failure == nil {
            if let rejection = verification.rejection {
                failure = ConnectionFailure(reason: rejection, isFatal: true)
            } else if case .awaitingHello = phase, case .dialer = role, ConnectionFailure.isCertificateRefusal(error) {
                failure = ConnectionFailure(
                    reason: "refused this party's certificate (fingerprint \(core.pins.ownFingerprint)); "
                        + "it has not pinned it",
                    isFatal: true)
            } else if case .listener = role, case .handshaking = phase, ConnectionFailure.isCertificateRefusal(error) {
                failure = ConnectionFailure(
                    reason: "a peer refused this party's certificate (fingerprint \(core.pins.ownFingerprint)) "
                        + "during the TLS handshake; it has not pinned it",
                    isFatal: true)
            } else {
                failure = ConnectionFailure(reason: ConnectionFailure.describe(error), isFatal: false)
            }
        }
        context.close(promise: nil)
    }

    /// Ends the connection for `reason`.
    private func end(_ context: ChannelHandlerContext, _ reason: ConnectionFailure) {
        if failure == nil { failure = reason }
        context.close(promise: nil)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guard case .listener = role else { return }
        let timeout = core.handshakeTimeout
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        handshakeDeadline = context.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            let (handler, context) = loopBound.value
            switch handler.phase {
            case .handshaking, .awaitingHello:
                handler.end(
                    context,
                    ConnectionFailure(
                        reason: "a connection was dropped: it did not complete the TLS handshake and hello within "
                            + describeDuration(timeout),
                        isFatal: false))
            case .attached, .closed:
                break
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(channel: context.channel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(channel: context.channel)
    }

    /// Reports the end of the connection once: to the link if attached, otherwise to the dialer
    /// or as a refused connection.
    private func finish(channel: any Channel) {
        handshakeDeadline?.cancel()
        handshakeDeadline = nil
        let failure = self.failure ?? ConnectionFailure(reason: "closed the connection", isFatal: false)
        switch phase {
        case .closed:
            return
        case let .attached(link):
            let error = MPCError.peerUnavailable(link.peer, reason: failure.reason)
            link.fail(error)
            // Without this peer no computation can go on: unless this peer already said goodbye, fail
            // the other link too with the same error, so that every waiting receive names the party
            // that was lost, and tell the remaining peer why this party stops.
            if !receivedGoodbye { core.peerLost(error, peer: link.peer) }
        case .handshaking, .awaitingHello:
            switch role {
            case let .dialer(_, established): established.fail(failure)
            case .listener: if self.failure != nil { core.noteRejection(failure.reason) }
            }
        }
        phase = .closed
        core.untrack(channel)
    }
}
