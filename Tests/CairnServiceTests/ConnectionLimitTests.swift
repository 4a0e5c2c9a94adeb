import CairnService
import CairnStoreTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The HTTP service closes idle and half-sent connections and serves at most a set number of
/// connections at once (issue 10: 150 idle and 150 half-sent connections stayed open past 35 s).
@Suite("Study service: connections")
struct ConnectionLimitTests {
    /// A raw TCP connection that keeps what the server sends.
    final class RawConnection: Sendable {
        let channel: any Channel
        let received: Received

        /// What the server sent, and a signal each time it sends more or closes.
        final class Received: Sendable {
            let bytes = Mutex<[UInt8]>([])
            let (changes, changed) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        }

        final class Collector: ChannelInboundHandler, Sendable {
            typealias InboundIn = ByteBuffer
            let received: Received
            init(_ received: Received) { self.received = received }
            func channelRead(context: ChannelHandlerContext, data: NIOAny) {
                let buffer = unwrapInboundIn(data)
                received.bytes.withLock { $0 += buffer.readableBytesView }
                received.changed.yield()
            }
            func channelInactive(context: ChannelHandlerContext) {
                received.changed.yield()
                received.changed.finish()
                context.fireChannelInactive()
            }
        }

        init(port: Int) async throws {
            let received = Received()
            self.received = received
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(received)) }
                }
                .connect(host: "127.0.0.1", port: port).get()
        }

        func send(_ text: String) async throws {
            try await channel.writeAndFlush(ByteBuffer(string: text)).get()
        }

        var text: String { received.bytes.withLock { String(decoding: $0, as: UTF8.self) } }

        static let health = "GET /api/v1/health HTTP/1.1\r\nHost: test\r\n\r\n"

        /// Waits until `condition` holds, checking it each time the server sends or closes; fails
        /// if the connection closes without it. (A server that never answers is caught by the
        /// tests' time limit.)
        func wait(for what: String, _ condition: @Sendable () -> Bool) async throws {
            if condition() { return }
            for await _ in received.changes where condition() { return }
            if !condition() { Issue.record("the connection closed before \(what)") }
        }

        /// Waits until the server closes the connection.
        func waitForClose() async throws {
            try await wait(for: "the server to close the connection") { !self.channel.isActive }
        }

        /// Waits for `count` complete health answers.
        func waitForAnswers(_ count: Int) async throws {
            try await wait(for: "\(count) answers") { self.text.components(separatedBy: #"{"status":"ok"}"#).count - 1 >= count }
        }
    }

    /// Runs the service's real server (not `.test(.live)`, whose copy of the configuration drops
    /// the connection cap) on a free port until `body` returns.
    static func withServer(
        _ configure: (inout ServiceConfiguration) -> Void, _ body: @escaping @Sendable (Int) async throws -> Void
    ) async throws {
        var configuration = ServiceConfiguration(operatorToken: Harness.operatorToken)
        configure(&configuration)
        let settings = configuration
        try await StoreBackend.sqlite.withStore { store in
            let service = StudyService(store: store, configuration: settings, logger: LogCapture().logger)
            let (ports, listening) = AsyncStream.makeStream(of: Int.self)
            let application = try service.application(host: "127.0.0.1", port: 0) { _, port in listening.yield(port) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await application.runService() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                try await body(port)
                group.cancelAll()
            }
        }
    }

    // The time limits only stop a server that never answers or never closes from hanging the suite.
    @Test("idle, half-sent and finished keep-alive connections are closed after the idle timeout", .timeLimit(.minutes(2)))
    func idleTimeout() async throws {
        try await Self.withServer({ $0.idleTimeout = .milliseconds(500) }) { port in
            let idle = try await RawConnection(port: port)
            let halfSent = try await RawConnection(port: port)
            try await halfSent.send("GET /api/v1/health HTTP/1.1\r\nHost: te")
            let keptAlive = try await RawConnection(port: port)
            try await keptAlive.send(RawConnection.health)
            try await keptAlive.waitForAnswers(1)
            for connection in [idle, halfSent, keptAlive] { try await connection.waitForClose() }
        }
    }

    @Test("beyond the connection cap new connections wait; they are served once others close", .timeLimit(.minutes(2)))
    func connectionCap() async throws {
        try await Self.withServer({ $0.maximumConnections = 2 }) { port in
            let first = try await RawConnection(port: port)
            let second = try await RawConnection(port: port)
            for connection in [first, second] {
                try await connection.send(RawConnection.health)
                try await connection.waitForAnswers(1)
            }
            let extra = try await RawConnection(port: port)
            try await extra.send(RawConnection.health)
            // The server keeps serving the connections it holds, while the extra one waits.
            for round in 2...6 {
                try await first.send(RawConnection.health)
                try await first.waitForAnswers(round)
            }
            #expect(extra.text.isEmpty)
            try await first.channel.close()
            try await second.channel.close()
            try await extra.waitForAnswers(1)
            try await extra.channel.close()
        }
    }
}
