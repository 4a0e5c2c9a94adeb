import CairnMPC
import Testing
@testable import CairnNetwork

/// Three parties connected over TLS on loopback sockets, running real protocols.
@Suite("Networked parties on loopback")
struct MeshTests {
    @Test("share, multiply, compare, sort and reveal over TLS give the cleartext results")
    func protocols() async throws {
        let networks = try await Mesh.connect()
        defer { Task { await Mesh.close(networks) } }
        let n = 300
        let x = meshRandom(n, seed: 1).map { $0 >> 40 }, y = meshRandom(n, seed: 2).map { $0 >> 40 }
        let keys = meshRandom(n, seed: 3).map { UInt64(bitPattern: Int64(bitPattern: $0) >> 20) }
        let outputs = try await Mesh.run(networks, session: 1) { party in
            let sx: ArithmeticShared = try await party.share(party.index == .zero ? x : nil, from: .zero, count: n)
            let sy: ArithmeticShared = try await party.share(party.index == .one ? y : nil, from: .one, count: n)
            let sk: ArithmeticShared = try await party.share(party.index == .two ? keys : nil, from: .two, count: n)
            let product = try await party.reveal(try await party.multiply(sx, sy))
            let less = try await party.reveal(try await party.lessThan(sx, sy))
            let sorted = try await party.sort(keys: sk, payload: [sx])
            return (product, less, try await party.reveal(sorted.keys), try await party.reveal(sorted.payload[0]))
        }
        for output in outputs {
            #expect(output.0 == zip(x, y).map { $0 &* $1 })
            #expect(output.1 == zip(x, y).map { Int64(bitPattern: $0) < Int64(bitPattern: $1) })
            let order = (0..<n).sorted { (Int64(bitPattern: keys[$0]), $0) < (Int64(bitPattern: keys[$1]), $1) }
            #expect(output.2 == order.map { keys[$0] })
            #expect(output.3 == order.map { x[$0] })
        }
        let sent = networks.map(\.bytesSent)
        for (k, bytes) in sent.enumerated() {
            #expect(bytes.count == 2)
            #expect(bytes.values.allSatisfy { $0 > 0 }, "party \(k) sent to both peers")
        }
    }

    @Test("two sessions at once on the same connections stay independent")
    func concurrentSessions() async throws {
        let networks = try await Mesh.connect()
        defer { Task { await Mesh.close(networks) } }
        let n = 1_000
        let a = meshRandom(n, seed: 10), b = meshRandom(n, seed: 11), c = meshRandom(n, seed: 12)
        async let first = Mesh.run(networks, session: 1) { party in
            let sa: ArithmeticShared = try await party.share(party.index == .zero ? a : nil, from: .zero, count: n)
            let sb: ArithmeticShared = try await party.share(party.index == .one ? b : nil, from: .one, count: n)
            var product = sa
            for _ in 0..<5 { product = try await party.multiply(product, sb) }
            return try await party.reveal(product)
        }
        async let second = Mesh.run(networks, session: 0xFFFF_FFFF_FFFF_FFFF) { party in
            let sc: ArithmeticShared = try await party.share(party.index == .two ? c : nil, from: .two, count: n)
            let sa: ArithmeticShared = try await party.share(party.index == .zero ? a : nil, from: .zero, count: n)
            return try await party.reveal(try await party.lessThan(sc, sa))
        }
        let (products, comparisons) = try await (first, second)
        let expectedProduct = zip(a, b).map { a, b in (0..<5).reduce(a) { p, _ in p &* b } }
        let expectedLess = zip(c, a).map { Int64(bitPattern: $0) < Int64(bitPattern: $1) }
        for k in 0..<3 {
            #expect(products[k] == expectedProduct)
            #expect(comparisons[k] == expectedLess)
        }
        // Finished sessions leave no queues behind.
        for network in networks {
            for link in network.core.links.values { #expect(link.inbox.activeSessionCount == 0) }
        }
    }

    @Test("a 2,000,000-element multiplication (16 MB messages, several frames each)")
    func largeMultiply() async throws {
        let networks = try await Mesh.connect(receiveTimeout: .seconds(60))
        defer { Task { await Mesh.close(networks) } }
        let n = 2_000_000
        let x = meshRandom(n, seed: 20), y = meshRandom(n, seed: 21)
        let outputs = try await Mesh.run(networks, session: 3) { party in
            let sx: ArithmeticShared = try await party.share(party.index == .zero ? x : nil, from: .zero, count: n)
            let sy: ArithmeticShared = try await party.share(party.index == .one ? y : nil, from: .one, count: n)
            return try await party.reveal(try await party.multiply(sx, sy))
        }
        let expected = zip(x, y).map { $0 &* $1 }
        for output in outputs { #expect(output == expected) }
    }

    @Test("parties may start in any order: dialers retry until the listener is up")
    func anyOrder() async throws {
        var ports = [0, 0, 0]
        for k in 0..<2 { ports[k] = try await Mesh.reservePort() }
        let configurations = PartyIndex.all.map { Mesh.configuration($0, ports: ports) }
        // Party 2 first (both its peers are down), then party 1 (party 0 still down), then party 0.
        async let two = PartyNetwork.connect(configurations[2])
        try await Task.sleep(for: .milliseconds(500))
        async let one = PartyNetwork.connect(configurations[1])
        try await Task.sleep(for: .milliseconds(700))
        async let zero = PartyNetwork.connect(configurations[0])
        let networks = try await [zero, one, two]
        defer { Task { await Mesh.close(networks) } }
        let values = meshRandom(10, seed: 30)
        let outputs = try await Mesh.run(networks, session: 99) { party in
            let s: ArithmeticShared = try await party.share(party.index == .one ? values : nil, from: .one, count: 10)
            return try await party.reveal(try await party.multiply(s, s))
        }
        for output in outputs { #expect(output == values.map { $0 &* $0 }) }
    }

    @Test("raw transports: order within a session, empty messages, byte counts")
    func rawTransport() async throws {
        let networks = try await Mesh.connect()
        defer { Task { await Mesh.close(networks) } }
        let sender = networks[2].transport(session: 5), receiver = networks[0].transport(session: 5)
        let before = networks[2].bytesSent[.zero] ?? 0
        for k in 0..<50 { try await sender.send(Array(repeating: UInt64(k), count: k), to: .zero) }
        try await sender.send([], to: .zero)
        for k in 0..<50 { #expect(try await receiver.receive(from: .two) == Array(repeating: UInt64(k), count: k)) }
        #expect(try await receiver.receive(from: .two) == [])
        let expectedBytes = (0..<50).map { MessageFrame.wireLength(wordCount: $0) }.reduce(0, +) + MessageFrame.wireLength(wordCount: 0)
        #expect((networks[2].bytesSent[.zero] ?? 0) - before == expectedBytes)
        #expect(sender.party == .two)
    }
}
