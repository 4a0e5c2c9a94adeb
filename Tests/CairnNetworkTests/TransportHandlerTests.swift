import CairnMPC
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing
@testable import CairnNetwork

/// The connection handler on an `NIOAsyncTestingChannel`, with the TLS handshake stood in for by its
/// completion event: hello exchange, delivery into the inbox, and what a malformed frame does.
@Suite("Transport connection handler")
struct TransportHandlerTests {
    /// Party 1's network core, as the dialer of party 0, and an embedded channel carrying the
    /// frame codec and the handler.
    func makeDialer() async throws -> (NetworkCore, NIOAsyncTestingChannel, EventLoopPromise<Void>) {
        let configuration = Mesh.configuration(.one, ports: [1, 2, 3], receiveTimeout: .seconds(5))
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let links = Dictionary(uniqueKeysWithValues: [PartyIndex.zero, .two].map {
            ($0, PeerLink(peer: $0, inbox: Inbox(peer: $0, timeout: .seconds(5), timerLoop: loop), writeTimeout: .seconds(5)))
        })
        let core = try NetworkCore(party: .one, links: links, pins: try CertificatePins(configuration))
        let channel = NIOAsyncTestingChannel()
        let established = channel.eventLoop.makePromise(of: Void.self)
        try await channel.testingEventLoop.executeInContext {
            try MessageFrame.addCodec(to: channel.pipeline.syncOperations)
            try channel.pipeline.syncOperations.addHandler(
                PeerConnectionHandler(core: core, role: .dialer(peer: .zero, established: established), verification: PeerVerification()))
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1))
        return (core, channel, established)
    }

    /// The bytes of `words` in `session` as the peer would send them (length fields included).
    func wire(_ words: [UInt64], session: UInt64, flags: MessageFrame.Flags = []) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        for var frame in MessageFrame.encode(words, session: session, flags: flags, allocator: ByteBufferAllocator()) {
            buffer.writeInteger(UInt32(frame.readableBytes), endianness: .big)
            buffer.writeBuffer(&frame)
        }
        return buffer
    }

    /// Completes the stand-in handshake and the hello exchange.
    func connect(_ channel: NIOAsyncTestingChannel) async throws {
        channel.pipeline.fireUserInboundEventTriggered(PeerConnectionHandler.handshakeCompletedEvent)
        var sent = channel.allocator.buffer(capacity: 0)
        while var part = try await channel.readOutbound(as: ByteBuffer.self) { sent.writeBuffer(&part) }
        #expect(sent == wire(NetworkCore.hello(from: .one), session: 0, flags: .hello))
        try await channel.writeInbound(wire(NetworkCore.hello(from: .zero), session: 0, flags: .hello))
    }

    @Test("after the hellos, messages reach the peer's inbox by session")
    func delivery() async throws {
        let (core, channel, established) = try await makeDialer()
        try await connect(channel)
        try await established.futureResult.get()
        let link = try #require(core.links[.zero])
        #expect(link.isConnected)
        try await channel.writeInbound(wire([1, 2, 3], session: 4))
        try await channel.writeInbound(wire([9], session: 5))
        try await channel.writeInbound(wire([4], session: 4))
        #expect(try await link.inbox.receive(session: 5) == [9])
        #expect(try await link.inbox.receive(session: 4) == [1, 2, 3])
        #expect(try await link.inbox.receive(session: 4) == [4])
    }

    @Test("a malformed frame closes the connection and fails pending and future receives")
    func malformed() async throws {
        let (core, channel, _) = try await makeDialer()
        try await connect(channel)
        let link = try #require(core.links[.zero])
        try await channel.writeInbound(wire([7], session: 1))
        let pending = Task { try await link.inbox.receive(session: 2) }
        try await Task.sleep(for: .milliseconds(50))
        var bad = ByteBufferAllocator().buffer(capacity: 16)
        bad.writeInteger(UInt32(12), endianness: .big)
        bad.writeBytes([UInt8](repeating: 0, count: 12))
        try await channel.writeInbound(bad)
        #expect(!channel.isActive)
        let expected = MPCError.peerUnavailable(.zero, reason: "sent a malformed frame")
        await #expect(throws: expected) { try await pending.value }
        // What arrived before the malformed frame can still be taken; then the failure.
        #expect(try await link.inbox.receive(session: 1) == [7])
        await #expect(throws: expected) { try await link.inbox.receive(session: 1) }
        await #expect(throws: expected) { try await NetworkTransport(core: core, session: 1).send([1], to: .zero) }
    }

    @Test("data before the hello, or a hello from the wrong party, ends the attempt")
    func badHello() async throws {
        let (core, channel, established) = try await makeDialer()
        channel.pipeline.fireUserInboundEventTriggered(PeerConnectionHandler.handshakeCompletedEvent)
        try await channel.writeInbound(wire(NetworkCore.hello(from: .two), session: 0, flags: .hello))
        await #expect(throws: ConnectionFailure.self) { try await established.futureResult.get() }
        #expect(!(core.links[.zero]?.isConnected ?? true))

        let (_, other, attempt) = try await makeDialer()
        other.pipeline.fireUserInboundEventTriggered(PeerConnectionHandler.handshakeCompletedEvent)
        try await other.writeInbound(wire([1], session: 3))
        await #expect(throws: ConnectionFailure(reason: "sent a malformed frame", isFatal: false)) {
            try await attempt.futureResult.get()
        }
    }
}
