import CairnMPC
import NIOCore
import NIOPosix
import Synchronization

/// A compute party's connections to the two other parties: one mutually authenticated TLS 1.3
/// connection per peer, carrying every protocol session, with a ``Transport`` per session.
///
/// Connections: the party with the higher index dials the one with the lower index, so party 0
/// only listens, party 1 listens (for party 2) and dials party 0, and party 2 only dials. Dialing
/// is retried (every 200 ms, backing off to 2 s) until the configuration's `connectTimeout`, so the
/// three parties may start in any order. Each side presents its own certificate and accepts only
/// the exact certificate pinned for the peer (DER bytes compared; see `NetworkConfiguration`); the
/// listener tells its peers apart by their certificates. After the TLS handshake each side sends a
/// hello naming itself, and a connection is used once both hellos are in. When every peer that
/// dials this party is connected, the listener is closed.
///
/// Messages: each message travels as one or more frames, each a 4-byte big-endian length, the
/// session id (UInt64, little-endian), a flags byte (bit 0: last chunk of the message) and the
/// payload, little-endian UInt64 words, at most 1 MiB per frame. Within a session, messages from one peer are
/// received in the order it sent them; sessions are independent, and any number may be open at
/// once. A send returns once the message has been handed to the socket (so a sender waits for the
/// network, never for the receiver to call `receive`); the peer's connection always reads, queueing
/// messages until their session's receive takes them.
///
/// Failures: a receive waits at most `receiveTimeout`, then throws
/// ``MPCError/peerUnavailable(_:reason:)`` ("sent nothing for N s"); cancelling its task throws
/// ``MPCError/cancelled``. A send whose frame cannot be handed to the socket within
/// `receiveTimeout` (the peer has stopped reading) fails the connection. When a connection ends (end of stream, reset, TLS error, malformed frame)
/// every pending and future receive from that peer, after the messages already queued, and every
/// send to it throws ``MPCError/peerUnavailable(_:reason:)`` naming the peer, with the reason in
/// plain words. Connections are not re-established: the computation is aborted.
///
/// What a peer can cause: it can end its connection at any time (the errors above), stall (the
/// receive timeout) or stop reading (the send timeout), send a malformed frame (the connection is closed: "sent a malformed frame"),
/// or send more than the protocol expects (it is queued: a peer is an authenticated party, so memory
/// is not bounded against a misbehaving one). It cannot crash this party, make a receive hang past
/// its timeout, deliver a message into another session or another peer's queue, or reorder a
/// session's messages. Anyone else can only connect and be refused.
public final class PartyNetwork: Sendable {
    let core: NetworkCore
    private let configuration: NetworkConfiguration
    private let group: any EventLoopGroup
    private let dialers = Mutex<[Task<Void, Never>]>([])
    private let connectDeadline: Mutex<Scheduled<Void>?> = Mutex(nil)

    /// The port the listener is bound to (the actual port if the configuration asked for port 0),
    /// or `nil` for party 2, which does not listen.
    public let localPort: Int?

    /// This party.
    public var party: PartyIndex { core.party }

    private init(core: NetworkCore, configuration: NetworkConfiguration, group: any EventLoopGroup, localPort: Int?) {
        self.core = core
        self.configuration = configuration
        self.group = group
        self.localPort = localPort
    }

    /// Listens, dials, completes both TLS handshakes; returns when connected to both peers.
    ///
    /// - Parameters:
    ///   - configuration: this party, where it listens, its certificate and key, and its two peers
    ///     with their pinned certificates. `listenPort` may be 0 (any free port; see ``localPort``
    ///     and ``start(_:eventLoopGroup:)``).
    ///   - eventLoopGroup: the NIO event loops to run on; by default NIO's shared singleton group.
    /// - Throws: ``MPCError/invalidArgument(_:)`` for a configuration that does not name the two
    ///   other parties or whose certificates or key cannot be read;
    ///   ``MPCError/peerUnavailable(_:reason:)`` if a peer could not be reached or did not connect
    ///   within `connectTimeout`, or presented a certificate other than the one pinned for it, or
    ///   refused this party's certificate. Nothing is left open when it throws.
    public static func connect(
        _ configuration: NetworkConfiguration, eventLoopGroup: MultiThreadedEventLoopGroup? = nil
    ) async throws -> PartyNetwork {
        let network = try await start(configuration, eventLoopGroup: eventLoopGroup)
        do {
            try await network.waitUntilConnected()
        } catch {
            // A peer that did connect learns why this party gives up, instead of only seeing it go.
            await network.abort(because: error)
            try? await network.close()
            throw error
        }
        return network
    }

    /// Starts listening and dialing, and returns without waiting for the peers: the first half of
    /// ``connect(_:eventLoopGroup:)``, for callers that need ``localPort`` before the peers can
    /// connect (a listener on port 0). Call ``waitUntilConnected()`` next; sends made before the
    /// connections are up wait for them.
    public static func start(
        _ configuration: NetworkConfiguration, eventLoopGroup: MultiThreadedEventLoopGroup? = nil
    ) async throws -> PartyNetwork {
        let party = configuration.party
        let others = configuration.peers.map(\.party)
        guard NetworkConfiguration.isValidPeerSet(party: party, peers: others) else {
            throw MPCError.invalidArgument(
                "the configuration of \(party) must name the two other parties as its peers, once each "
                    + "(or, in a two-party study, parties 1 and 2 each name the other)")
        }
        let group: any EventLoopGroup = eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
        let pins = try CertificatePins(configuration)
        var links: [PartyIndex: PeerLink] = [:]
        for peer in others {
            let inbox = Inbox(peer: peer, timeout: configuration.receiveTimeout, timerLoop: group.next())
            links[peer] = PeerLink(peer: peer, inbox: inbox, writeTimeout: configuration.receiveTimeout)
        }
        let core = try NetworkCore(party: party, links: links, pins: pins, handshakeTimeout: configuration.handshakeTimeout)

        var localPort: Int?
        if !core.listenedPeers.isEmpty {
            let listener: any Channel
            do {
                listener = try await ServerBootstrap(group: group)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                    .childChannelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture { try core.configureAccepted(channel) }
                    }
                    .bind(host: configuration.listenHost, port: configuration.listenPort)
                    .get()
            } catch {
                throw MPCError.invalidArgument(
                    "\(party) could not listen on \(configuration.listenHost):\(configuration.listenPort): \(error)")
            }
            _ = core.setListener(listener)
            localPort = listener.localAddress?.port
        }

        let network = PartyNetwork(core: core, configuration: configuration, group: group, localPort: localPort)
        network.beginConnecting()
        return network
    }

    /// Waits until both peers are connected.
    ///
    /// - Throws: the first peer's failure to connect (see ``connect(_:eventLoopGroup:)``).
    public func waitUntilConnected() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for link in core.links.values {
                group.addTask { _ = try await link.connectedChannel() }
            }
            try await group.waitForAll()
        }
    }

    /// The transport for one protocol session (any `UInt64` id agreed by the three parties); many
    /// sessions can be open at once over the same connections, each with its own per-peer FIFO
    /// order. Two transports for the same session share their queues: use one per session.
    public func transport(session: UInt64) -> any Transport {
        NetworkTransport(core: core, session: session)
    }

    /// Bytes sent to each peer so far: frames with their length fields, headers and payloads, as
    /// handed to TLS (TLS adds about 22 bytes per record of up to 16 KiB).
    public var bytesSent: [PartyIndex: Int] {
        core.links.mapValues(\.bytesSent)
    }

    /// Tells the connected peers that this party stops computing because of `error`, so that
    /// their errors name the cause instead of this party, then waits `grace` before returning.
    /// Call it before ``close()`` when a computation fails.
    ///
    /// The wait matters: closing a connection that still holds unread data resets it, and a reset
    /// makes the peer drop what it had not read yet, goodbye included. During the wait the
    /// connections stay open and keep being read, and a peer that reads the goodbye hangs up.
    public func abort(because error: any Error, grace: Duration = .seconds(1)) async {
        core.sayGoodbye(because: String(describing: error))
        try? await Task.sleep(for: grace)
    }

    /// Closes both connections and the listener. Pending and later receives and sends fail with
    /// ``MPCError/peerUnavailable(_:reason:)``; closing twice does nothing more.
    public func close() async throws {
        // Peers still connected learn that this party is done, so that they do not take its
        // departure for a failure while they finish their own part.
        core.sayGoodbye(because: MessageFrame.finished)
        let channels = core.markClosed()
        for task in dialers.withLock({ $0 }) { task.cancel() }
        connectDeadline.withLock { $0 }?.cancel()
        var toClose = channels
        for link in core.links.values {
            link.fail(.peerUnavailable(link.peer, reason: "the connection to it was closed by this party"))
            if let channel = link.takeChannel() { toClose.append(channel) }
        }
        for channel in toClose {
            try? await channel.close()
        }
    }

    // MARK: Connecting

    private func beginConnecting() {
        let deadline = ContinuousClock.now + configuration.connectTimeout
        let timeout = configuration.connectTimeout
        let core = self.core
        // The peers that dial this party must have done so by the deadline.
        if !core.listenedPeers.isEmpty {
            let scheduled = group.next().scheduleTask(in: TimeAmount(timeout)) {
                for peer in core.listenedPeers {
                    guard let link = core.links[peer], !link.isConnected else { continue }
                    var reason = "did not connect within \(describeDuration(timeout))"
                    if let rejection = core.lastRejection { reason += "; \(rejection)" }
                    link.fail(.peerUnavailable(peer, reason: reason))
                }
            }
            connectDeadline.withLock { $0 = scheduled }
        }
        var tasks: [Task<Void, Never>] = []
        for peer in configuration.peers where core.dialedPeers.contains(peer.party) {
            guard let link = core.links[peer.party] else { continue }
            let group = self.group
            tasks.append(Task { await Self.dial(peer, link: link, core: core, group: group, deadline: deadline, timeout: timeout) })
        }
        dialers.withLock { $0 = tasks }
    }

    /// Dials `peer` until connected, refused for a certificate, or past the deadline; fails the
    /// link in the latter two cases.
    private static func dial(
        _ peer: NetworkConfiguration.Peer, link: PeerLink, core: NetworkCore, group: any EventLoopGroup,
        deadline: ContinuousClock.Instant, timeout: Duration
    ) async {
        var delay = Duration.milliseconds(200)
        var lastError = "no attempt could be made"
        var attempts = 0
        while !core.isClosed && link.failure == nil {
            // At least one real attempt, even on a loaded machine that reached the deadline
            // before the first: the error should say what happened when connecting.
            let remaining = attempts == 0 ? max(deadline - .now, .seconds(1)) : deadline - .now
            guard remaining > .zero else { break }
            attempts += 1
            do {
                try await attempt(peer, core: core, group: group, within: remaining)
                return
            } catch let failure as ConnectionFailure {
                if failure.isFatal {
                    link.fail(.peerUnavailable(peer.party, reason: failure.reason))
                    return
                }
                lastError = "it " + failure.reason
            } catch {
                lastError = "it " + ConnectionFailure.describe(error)
            }
            let pause = min(delay, deadline - .now)
            guard pause > .zero else { break }
            do { try await Task.sleep(for: pause) } catch { return }
            delay = min(delay * 2, .seconds(2))
        }
        link.fail(
            .peerUnavailable(
                peer.party,
                reason: "could not connect to \(peer.host):\(peer.port) within \(describeDuration(timeout)): \(lastError)"))
    }

    /// One connection attempt: TCP, TLS, hello. Attaches the connection to the peer's link.
    private static func attempt(
        _ peer: NetworkConfiguration.Peer, core: NetworkCore, group: any EventLoopGroup, within remaining: Duration
    ) async throws {
        let loop = group.next()
        let established = loop.makePromise(of: Void.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(TimeAmount(min(remaining, .seconds(5))))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try core.configureDialed(channel, peer: peer.party, established: established)
                    }
                }
                .connect(host: peer.host, port: peer.port)
                .get()
        } catch {
            established.fail(error)
            throw ConnectionFailure(reason: ConnectionFailure.describe(error), isFatal: false)
        }
        let timer = loop.scheduleTask(in: TimeAmount(remaining)) {
            established.fail(ConnectionFailure(reason: "did not complete the TLS handshake and hello in time", isFatal: false))
        }
        defer { timer.cancel() }
        do {
            try await established.futureResult.get()
        } catch {
            try? await channel.close()
            throw error
        }
    }
}
