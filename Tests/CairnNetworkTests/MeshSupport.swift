import CairnArithmetic
import CairnMPC
import NIOCore
import NIOPosix
@testable import CairnNetwork

/// Three parties' identities, generated once per process (key generation is the slow part).
let meshIdentities: [PartyIdentity] = PartyIndex.all.map { index in
    try! PartyIdentity.generate(name: "Cairn test \(index)")
}

func meshRandom(_ count: Int, seed: UInt64) -> [UInt64] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in generator.next() }
}

/// Three networked parties on 127.0.0.1.
enum Mesh {
    /// The configuration of `party`, with the peers at `ports` (indexed by party).
    static func configuration(
        _ party: PartyIndex, ports: [Int], identities: [PartyIdentity] = meshIdentities,
        presenting own: PartyIdentity? = nil,
        connectTimeout: Duration = .seconds(10), receiveTimeout: Duration = .seconds(10)
    ) -> NetworkConfiguration {
        let own = own ?? identities[party.rawValue]
        return NetworkConfiguration(
            party: party, listenHost: "127.0.0.1", listenPort: ports[party.rawValue],
            certificatePEM: own.certificatePEM, privateKeyPEM: own.privateKeyPEM,
            peers: PartyIndex.all.filter { $0 != party }.map { peer in
                .init(party: peer, host: "127.0.0.1", port: ports[peer.rawValue], certificatePEM: identities[peer.rawValue].certificatePEM)
            },
            connectTimeout: connectTimeout, receiveTimeout: receiveTimeout)
    }

    /// Starts the three parties with listeners on ephemeral ports (party 0, then 1, then 2, each
    /// told the ports bound before it), then waits for all three in a scrambled order.
    ///
    /// `presenting` replaces a party's identity (its peers still pin the generated one).
    static func start(
        connectTimeout: Duration = .seconds(10), receiveTimeout: Duration = .seconds(10),
        presenting substitutes: [PartyIndex: PartyIdentity] = [:]
    ) async throws -> [PartyNetwork] {
        var ports = [0, 0, 0]
        var networks: [PartyNetwork] = []
        for party in PartyIndex.all {
            let configuration = Mesh.configuration(
                party, ports: ports, presenting: substitutes[party], connectTimeout: connectTimeout, receiveTimeout: receiveTimeout)
            let network = try await PartyNetwork.start(configuration)
            ports[party.rawValue] = network.localPort ?? 0
            networks.append(network)
        }
        return networks
    }

    /// Connects three parties and returns their networks, indexed by party.
    static func connect(connectTimeout: Duration = .seconds(10), receiveTimeout: Duration = .seconds(10)) async throws -> [PartyNetwork] {
        let networks = try await start(connectTimeout: connectTimeout, receiveTimeout: receiveTimeout)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for k in [2, 0, 1] {
                group.addTask { try await networks[k].waitUntilConnected() }
            }
            try await group.waitForAll()
        }
        return networks
    }

    static func close(_ networks: [PartyNetwork]) async {
        for network in networks { try? await network.close() }
    }

    /// Runs `body` as each of the three parties of `session` and returns their results by party.
    static func run<Result: Sendable>(
        _ networks: [PartyNetwork], session: UInt64,
        _ body: @escaping @Sendable (Party) async throws -> Result
    ) async throws -> [Result] {
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            for (k, network) in networks.enumerated() {
                group.addTask {
                    let party = try await Party.connect(over: network.transport(session: session))
                    return (k, try await body(party))
                }
            }
            var results: [Result?] = [nil, nil, nil]
            for try await (k, result) in group { results[k] = result }
            return results.compactMap { $0 }
        }
    }

    /// A port that was free a moment ago: bound to port 0, read, released.
    static func reservePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}
