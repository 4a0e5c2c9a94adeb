import CairnMPC
import NIOCore
import NIOSSL
import Synchronization

/// What the connections of one ``PartyNetwork`` share: the links to the peers, the certificates,
/// the TLS contexts, and the channels not yet attached to a link (so `close` can end them).
final class NetworkCore: Sendable {
    private struct State {
        var listener: (any Channel)?
        var pending: [ObjectIdentifier: any Channel] = [:]
        var lastRejection: String?
        var closed = false
    }

    let party: PartyIndex
    let links: [PartyIndex: PeerLink]
    let pins: CertificatePins
    let serverContext: NIOSSLContext
    let clientContext: NIOSSLContext
    /// How long an accepted connection may take to complete its TLS handshake and hello.
    let handshakeTimeout: Duration
    private let state = Mutex(State())

    init(
        party: PartyIndex, links: [PartyIndex: PeerLink], pins: CertificatePins, handshakeTimeout: Duration = .seconds(10)
    ) throws {
        self.handshakeTimeout = handshakeTimeout
        self.party = party
        self.links = links
        self.pins = pins
        serverContext = try NIOSSLContext(configuration: pins.tlsConfiguration(server: true))
        clientContext = try NIOSSLContext(configuration: pins.tlsConfiguration(server: false))
    }

    /// The peers that dial this party (higher indices) and those it dials (lower indices): two
    /// peers in a three-party computation, one in a two-party study.
    var listenedPeers: [PartyIndex] { PartyIndex.all.filter { $0 > party && links[$0] != nil } }
    var dialedPeers: [PartyIndex] { PartyIndex.all.filter { $0 < party && links[$0] != nil } }

    /// The words of the hello that `party` sends when a connection opens: a magic number, the
    /// frame format's version and the sender's index.
    static func hello(from party: PartyIndex) -> [UInt64] {
        [0x4341_4952_4E4D_5043, 1, UInt64(party.rawValue)]  // "CAIRNMPC", version 1
    }

    // MARK: Channels

    func setListener(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard !state.closed else { return false }
            state.listener = channel
            return true
        }
    }

    /// Records a channel not yet attached to a link; returns `false` if the network is closed.
    func track(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard !state.closed else { return false }
            state.pending[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    func untrack(_ channel: any Channel) {
        _ = state.withLock { $0.pending.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Called when a link attached: once every peer that dials this party is connected, the
    /// listener is closed, so nobody else can reach this party.
    func linkAttached(_ channel: any Channel) {
        untrack(channel)
        guard listenedPeers.allSatisfy({ links[$0]?.isConnected ?? false }) else { return }
        let listener = state.withLock { state in
            defer { state.listener = nil }
            return state.listener
        }
        listener?.close(promise: nil)
    }

    /// Notes why an incoming connection was refused, for the error if the expected peer never
    /// connects.
    func noteRejection(_ reason: String) {
        state.withLock { $0.lastRejection = reason }
    }

    var lastRejection: String? { state.withLock { $0.lastRejection } }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Marks the network closed and returns the listener and unattached channels to close.
    func markClosed() -> [any Channel] {
        state.withLock { state in
            state.closed = true
            defer {
                state.listener = nil
                state.pending = [:]
            }
            return (state.listener.map { [$0] } ?? []) + Array(state.pending.values)
        }
    }

    /// Sends a goodbye with `reason` to every connected peer but `excluded`: this party stops
    /// computing, and they should say why rather than wait for a timeout. Best effort: a peer that
    /// is already gone is skipped.
    func sayGoodbye(because reason: String, except excluded: PartyIndex? = nil) {
        guard !isClosed else { return }
        for (peer, link) in links where peer != excluded {
            guard let channel = link.attachedChannel else { continue }
            let frames = MessageFrame.encode(
                MessageFrame.words(fromText: reason), session: 0, flags: .goodbye, allocator: channel.allocator)
            for frame in frames { channel.write(frame, promise: nil) }
            channel.flush()
        }
    }

    /// A connection to `peer` has failed with `error`: says goodbye to the other peers and fails
    /// their links with the same error, without closing them (the goodbye must still arrive).
    func peerLost(_ error: MPCError, peer: PartyIndex) {
        guard !isClosed else { return }
        sayGoodbye(because: error.description, except: peer)
        for (other, link) in links where other != peer { link.fail(error) }
    }

    // MARK: Pipelines

    /// Sets up an accepted connection: TLS as server, pinned-certificate check, frames, handler.
    func configureAccepted(_ channel: any Channel) throws {
        guard track(channel) else { throw ChannelError.ioOnClosedChannel }
        let verification = PeerVerification()
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(
            NIOSSLServerHandler(context: serverContext, customVerificationCallback: pins.verifier(listeningAs: party, into: verification)))
        try MessageFrame.addCodec(to: pipeline)
        try pipeline.addHandler(PeerConnectionHandler(core: self, role: .listener, verification: verification))
    }

    /// Sets up a connection dialed to `peer`: TLS as client, pinned-certificate check, frames,
    /// handler; `established` completes when the hello exchange is done or the attempt failed.
    func configureDialed(_ channel: any Channel, peer: PartyIndex, established: EventLoopPromise<Void>) throws {
        guard track(channel) else { throw ChannelError.ioOnClosedChannel }
        let verification = PeerVerification()
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(
            try NIOSSLClientHandler(
                context: clientContext, serverHostname: nil,
                customVerificationCallback: pins.verifier(dialing: peer, into: verification)))
        try MessageFrame.addCodec(to: pipeline)
        try pipeline.addHandler(
            PeerConnectionHandler(core: self, role: .dialer(peer: peer, established: established), verification: verification))
    }
}
