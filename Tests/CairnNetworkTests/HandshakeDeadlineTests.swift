import CairnMPC
import NIOCore
import NIOPosix
import Testing
@testable import CairnNetwork

/// A peer that connects to a party's listener and never completes the TLS handshake is dropped
/// after the handshake deadline, and the legitimate peers still connect (issue 10).
@Suite("Party network: TLS handshake deadline")
struct HandshakeDeadlineTests {
    /// Waits until the listener closes `channel`; fails (after a generous bound) if it never does.
    static func waitForClose(_ channel: any Channel) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await channel.closeFuture.get()
                return true
            }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                return false
            }
            let closed = try await group.next() ?? false
            group.cancelAll()
            if !closed { try? await channel.close() }
            #expect(closed, "the listener kept a connection that never completed its handshake")
        }
    }

    @Test("silent and half-sent connections are dropped; the peers connect")
    func strangersDropped() async throws {
        var configuration = Mesh.configuration(.zero, ports: [0, 0, 0])
        configuration.handshakeTimeout = .milliseconds(500)
        let first = try await PartyNetwork.start(configuration)
        let port = try #require(first.localPort)

        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        let silent = try await bootstrap.connect(host: "127.0.0.1", port: port).get()
        let halfSent = try await bootstrap.connect(host: "127.0.0.1", port: port).get()
        // The first bytes of a TLS ClientHello record header, and nothing more.
        try await halfSent.writeAndFlush(ByteBuffer(bytes: [0x16, 0x03, 0x01])).get()
        try await Self.waitForClose(silent)
        try await Self.waitForClose(halfSent)

        var networks = [first]
        var ports = [port, 0, 0]
        for party in [PartyIndex.one, .two] {
            let network = try await PartyNetwork.start(Mesh.configuration(party, ports: ports))
            ports[party.rawValue] = network.localPort ?? 0
            networks.append(network)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for network in networks { group.addTask { try await network.waitUntilConnected() } }
            try await group.waitForAll()
        }
        await Mesh.close(networks)
    }
}
