import CairnMPC
import Testing
@testable import CairnNetwork

/// What the other parties see when a peer misbehaves or disappears.
@Suite("Networked parties when things go wrong")
struct MeshFailureTests {
    /// The error `body` throws, or `nil`.
    func error(of body: () async throws -> Void) async -> (any Error)? {
        do {
            try await body()
            return nil
        } catch {
            return error
        }
    }

    @Test("a peer presenting a certificate other than the pinned one is refused, and the error says so")
    func unpinnedCertificate() async throws {
        let rogue = try PartyIdentity.generate(name: "Not party 2")
        let rogueFingerprint = try PartyIdentity.fingerprint(ofCertificatePEM: rogue.certificatePEM)
        let networks = try await Mesh.start(connectTimeout: .seconds(3), presenting: [.one: rogue])
        defer { Task { await Mesh.close(networks) } }
        let errors = await withTaskGroup(of: (Int, (any Error)?).self) { group in
            for (k, network) in networks.enumerated() {
                group.addTask { (k, await self.error { try await network.waitUntilConnected() }) }
            }
            var errors: [(any Error)?] = [nil, nil, nil]
            for await (k, error) in group { errors[k] = error }
            return errors
        }
        // Party 2 dials the impostor and sees its certificate.
        guard case let .peerUnavailable(peer, reason)? = errors[2] as? MPCError else {
            Issue.record("party 2 connected or failed otherwise: \(String(describing: errors[2]))")
            return
        }
        #expect(peer == .one)
        #expect(reason.contains("not the one pinned"))
        #expect(reason.contains(rogueFingerprint))
        // Party 0 is dialed by the impostor, refuses it, and reports it once the time is up.
        guard case let .peerUnavailable(peer0, reason0)? = errors[0] as? MPCError else {
            Issue.record("party 0 connected or failed otherwise: \(String(describing: errors[0]))")
            return
        }
        #expect(peer0 == .one)
        #expect(reason0.contains("not the one pinned"))
        #expect(reason0.contains(rogueFingerprint))
        // The impostor itself cannot connect either.
        guard case let .peerUnavailable(_, reason1)? = errors[1] as? MPCError else {
            Issue.record("the impostor connected or failed otherwise: \(String(describing: errors[1]))")
            return
        }
        #expect(reason1.contains("certificate"))
    }

    @Test("a peer that closes mid-computation makes the others' receives fail naming it")
    func peerClosesMidComputation() async throws {
        // The failures come from the closed connection, not the timeout: a generous timeout keeps
        // a loaded machine (the whole suite in parallel on two cores) from timing party 3 out
        // while it is still setting up.
        let networks = try await Mesh.connect(receiveTimeout: .seconds(15))
        defer { Task { await Mesh.close(networks) } }
        let n = 100
        let x = meshRandom(n, seed: 40)
        let errors = await withTaskGroup(of: (Int, (any Error)?).self) { group in
            for (k, network) in networks.enumerated() {
                group.addTask {
                    (k, await self.error {
                        let party = try await Party.connect(over: network.transport(session: 1))
                        let sx: ArithmeticShared = try await party.share(party.index == .zero ? x : nil, from: .zero, count: n)
                        if party.index == .two {
                            try await network.close()
                            return
                        }
                        for _ in 0..<3 { _ = try await party.reveal(try await party.multiply(sx, sx)) }
                    })
                }
            }
            var errors: [(any Error)?] = [nil, nil, nil]
            for await (k, error) in group { errors[k] = error }
            return errors
        }
        #expect(errors[2] == nil)
        for k in 0..<2 {
            guard case let .peerUnavailable(peer, reason)? = errors[k] as? MPCError else {
                Issue.record("party \(k) finished or failed otherwise: \(String(describing: errors[k]))")
                continue
            }
            // This party saw party 3 go, or the other survivor said goodbye naming party 3, or (on a
            // loaded machine) saw the other survivor hang up first.
            let survivor = PartyIndex(rawValue: 1 - k)!
            #expect(peer == .two || peer == survivor, "party \(k + 1) got: \(peer): \(reason)")
            #expect(peer == .two || reason.contains("party 3") || reason == "closed the connection", "party \(k + 1) got: \(peer): \(reason)")
            #expect(!reason.contains("sent nothing"), "the closed connection is reported, not a timeout: \(reason)")
        }
        // Later receives and sends fail the same way, at once.
        let transport = networks[0].transport(session: 1)
        await #expect(throws: MPCError.self) { try await transport.receive(from: .two) }
        await #expect(throws: MPCError.self) { try await transport.send([1], to: .two) }
    }

    @Test("a peer that sends nothing makes the receive fail after the timeout")
    func silentPeer() async throws {
        let networks = try await Mesh.connect(receiveTimeout: .seconds(1))
        defer { Task { await Mesh.close(networks) } }
        let transport = networks[0].transport(session: 7)
        await #expect(throws: MPCError.peerUnavailable(.one, reason: "sent nothing for 1 s")) {
            try await transport.receive(from: .one)
        }
        // The connection is still usable afterwards.
        try await networks[1].transport(session: 7).send([5], to: .zero)
        #expect(try await transport.receive(from: .one) == [5])
    }

    @Test("a peer that stops reading makes sends fail instead of hanging")
    func peerStopsReading() async throws {
        let networks = try await Mesh.connect(receiveTimeout: .seconds(1))
        defer { Task { await Mesh.close(networks) } }
        let channel = try #require(networks[1].core.links[.zero]?.channel)
        try await channel.setOption(.autoRead, value: false).get()
        let transport = networks[0].transport(session: 11)
        let words = [UInt64](repeating: 3, count: 1 << 23)  // 64 MiB: more than the socket buffers hold
        await #expect(throws: MPCError.self) {
            for _ in 0..<4 { try await transport.send(words, to: .one) }
        }
        // The connection is gone for later sends too, with the same reason.
        do {
            try await transport.send([1], to: .one)
            Issue.record("a send after the failure succeeded")
        } catch let MPCError.peerUnavailable(peer, reason) {
            #expect(peer == .one)
            #expect(reason.hasPrefix("stopped reading"))
        }
    }

    @Test("cancelling a waiting receive throws cancelled")
    func cancelledReceive() async throws {
        let networks = try await Mesh.connect(receiveTimeout: .seconds(30))
        defer { Task { await Mesh.close(networks) } }
        let transport = networks[1].transport(session: 8)
        let task = Task { try await transport.receive(from: .two) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        await #expect(throws: MPCError.cancelled) { try await task.value }
    }

    @Test("closing a network fails its own pending receives")
    func localClose() async throws {
        let networks = try await Mesh.connect(receiveTimeout: .seconds(30))
        defer { Task { await Mesh.close(networks) } }
        let transport = networks[0].transport(session: 9)
        let task = Task { try await transport.receive(from: .one) }
        try await Task.sleep(for: .milliseconds(100))
        try await networks[0].close()
        await #expect(throws: MPCError.self) { try await task.value }
        // The peers see the connection end, and their receives name the party that left.
        do {
            _ = try await networks[1].transport(session: 9).receive(from: .zero)
            Issue.record("a receive from a party that closed should fail")
        } catch let MPCError.peerUnavailable(peer, reason) {
            #expect(peer == .zero, "\(reason)")
        }
    }

    @Test("nobody listening: dialing gives up after the connect timeout with the last error")
    func nobodyListening() async throws {
        let ports = [try await Mesh.reservePort(), try await Mesh.reservePort(), 0]
        let configuration = Mesh.configuration(.two, ports: ports, connectTimeout: .milliseconds(800))
        let failure = await error { _ = try await PartyNetwork.connect(configuration) }
        guard case let .peerUnavailable(peer, reason)? = failure as? MPCError else {
            Issue.record("expected peerUnavailable, got \(String(describing: failure))")
            return
        }
        #expect(peer == .zero || peer == .one)
        #expect(reason.hasPrefix("could not connect to 127.0.0.1:\(ports[peer.rawValue]) within 0.8 s: it "))
    }

    @Test("cancelling a connect that is waiting for its peers stops it")
    func cancelledConnect() async throws {
        let configuration = Mesh.configuration(.zero, ports: [0, 0, 0], connectTimeout: .seconds(30))
        let task = Task { try await PartyNetwork.connect(configuration) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: MPCError.cancelled) { _ = try await task.value }
    }

    @Test("a configuration that does not name both other parties is refused")
    func badConfiguration() async throws {
        var configuration = Mesh.configuration(.zero, ports: [0, 0, 0])
        configuration.peers.removeLast()
        await #expect(throws: MPCError.self) { _ = try await PartyNetwork.connect(configuration) }
        var garbled = Mesh.configuration(.zero, ports: [0, 0, 0])
        garbled.privateKeyPEM = "not a key"
        await #expect(throws: MPCError.invalidArgument("this party's private key could not be read (expected a PEM private key)")) {
            _ = try await PartyNetwork.connect(garbled)
        }
    }
}
