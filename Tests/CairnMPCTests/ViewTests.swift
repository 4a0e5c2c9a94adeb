import CairnArithmetic
import Synchronization
import Testing
@testable import CairnMPC

/// A transport that records every message its party receives: that party's view of the protocol.
final class RecordingTransport: Transport {
    let inner: any Transport
    let received = Mutex<[UInt64]>([])
    var party: PartyIndex { inner.party }
    init(_ inner: any Transport) { self.inner = inner }
    func send(_ words: [UInt64], to peer: PartyIndex) async throws { try await inner.send(words, to: peer) }
    func receive(from peer: PartyIndex) async throws -> [UInt64] {
        let words = try await inner.receive(from: peer)
        received.withLock { $0.append(contentsOf: words) }
        return words
    }
}

@Suite("What one party sees")
struct ViewTests {
    /// Runs `share, multiply, reveal-to-party-0` on `secrets` and returns party 1's view: its share
    /// components and every word it received after key set-up.
    func viewOfPartyOne(secrets: [UInt64]) async throws -> [UInt64] {
        let network = InProcessNetwork()
        let recorder = RecordingTransport(network.transport(for: .one))
        try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for index in PartyIndex.all {
                group.addTask {
                    let transport: any Transport = index == .one ? recorder : network.transport(for: index)
                    let party = try await Party.connect(over: transport)
                    if index == .one { recorder.received.withLock { $0.removeAll() } }  // drop the key set-up
                    let x: ArithmeticShared = try await party.share(index == .zero ? secrets : nil, from: .zero, count: secrets.count)
                    let y = try await party.multiply(x, x)
                    _ = try await party.reveal(y, to: .zero)
                    return index == .one ? x.first + x.second + y.first + y.second : []
                }
            }
            var shares: [UInt64] = []
            for try await part in group { shares += part }
            recorder.received.withLock { $0 += shares }
        }
        return recorder.received.withLock { $0 }
    }

    @Test("one party's view is neither the secret nor a fixed function of it")
    func viewIsFresh() async throws {
        let secrets = randomElements(256, seed: 42)
        let first = try await viewOfPartyOne(secrets: secrets)
        let second = try await viewOfPartyOne(secrets: secrets)
        // The same secrets give a different view each run: the view is not a function of them.
        #expect(first != second)
        // No word of the view equals a secret or its square.
        let revealing = Set(secrets + secrets.map { $0 &* $0 })
        #expect(first.allSatisfy { !revealing.contains($0) })
        // Constant secrets (all zero) still give a view that looks uniformly random: about half the
        // bits set, far from the all-zero secret.
        let zeroView = try await viewOfPartyOne(secrets: [UInt64](repeating: 0, count: 256))
        let ones = zeroView.reduce(0) { $0 + $1.nonzeroBitCount }
        let fraction = Double(ones) / Double(zeroView.count * 64)
        #expect(abs(fraction - 0.5) < 0.01)
    }
}

@Suite("Session keys")
struct SessionKeyTests {
    @Test("deterministic test keys reproduce a run exactly; fresh keys do not")
    func reproducibility() async throws {
        let values = randomElements(50, seed: 9)
        func run(_ keys: SessionKeys) async throws -> [UInt64] {
            try await InProcessCluster.run(keys: keys) { party in
                let x: ArithmeticShared = try await party.share(party.index == .zero ? values : nil, from: .zero, count: 50)
                let y = try await party.multiply(x, x)
                return y.first + y.second
            }[1]
        }
        #expect(try await run(.insecureDeterministic(seed: 1)) == run(.insecureDeterministic(seed: 1)))
        #expect(try await run(.insecureDeterministic(seed: 1)) != run(.insecureDeterministic(seed: 2)))
        #expect(try await run(.fresh) != run(.fresh))
    }
}
