import CairnArithmetic
import Synchronization
import Testing
@testable import CairnMPC

@Suite("Sorting by a secret key")
struct SortTests {
    /// Sorts `keys` with the payload columns `payload` and returns what the parties revealed, after
    /// checking that all three revealed the same thing.
    func sorted(_ keys: [UInt64], payload: [[UInt64]]) async throws -> (keys: [UInt64], payload: [[UInt64]]) {
        let outputs = try await InProcessCluster.run { party in
            let n = keys.count
            let k: ArithmeticShared = try await party.share(party.index == .zero ? keys : nil, from: .zero, count: n)
            var columns: [ArithmeticShared] = []
            for (c, values) in payload.enumerated() {
                let owner = PartyIndex.all[(c + 1) % 3]
                columns.append(try await party.share(party.index == owner ? values : nil, from: owner, count: n))
            }
            let result = try await party.sort(keys: k, payload: columns)
            var revealed = [try await party.reveal(result.keys)]
            for column in result.payload { revealed.append(try await party.reveal(column)) }
            return revealed
        }
        #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2])
        return (outputs[0][0], Array(outputs[0].dropFirst()))
    }

    /// Sorts with the row numbers as a payload column and checks the result against a stable sort
    /// in the clear: keys ascending as Int64, each row whole, equal keys in input order.
    func checkSort(_ keys: [UInt64]) async throws {
        let rows = (0..<keys.count).map { UInt64($0) }
        let result = try await sorted(keys, payload: [rows])
        let signed = keys.map { Int64(bitPattern: $0) }
        let expected = rows.sorted { signed[Int($0)] < signed[Int($1)] || (signed[Int($0)] == signed[Int($1)] && $0 < $1) }
        #expect(result.payload.count == 1)
        #expect(result.payload.first == expected)
        #expect(result.keys == expected.map { keys[Int($0)] })
        // The same facts checked directly, so that a wrong expectation cannot hide a wrong sort.
        let sortedKeys = result.keys.map { Int64(bitPattern: $0) }
        #expect(zip(sortedKeys, sortedKeys.dropFirst()).allSatisfy { $0 <= $1 })
        if let sources = result.payload.first {
            #expect(sources.sorted() == rows)
            #expect(zip(sources, result.keys).allSatisfy { keys[Int($0)] == $1 })
        }
    }

    static func signed(_ values: [Int64]) -> [UInt64] { values.map { UInt64(bitPattern: $0) } }

    @Test("empty and single-row inputs come back unchanged")
    func tiny() async throws {
        try await checkSort([])
        try await checkSort([UInt64(bitPattern: -5)])
        let none = try await sorted([], payload: [[], []])
        #expect(none.keys.isEmpty && none.payload == [[], []])
    }

    @Test("two rows, in either order and equal")
    func twoRows() async throws {
        try await checkSort(Self.signed([1, 2]))
        try await checkSort(Self.signed([2, 1]))
        try await checkSort(Self.signed([-1, 1]))
        try await checkSort(Self.signed([1, -1]))
        try await checkSort(Self.signed([7, 7]))
    }

    @Test("all keys equal keep their input order", arguments: [3, 50])
    func allEqual(rows: Int) async throws {
        try await checkSort([UInt64](repeating: UInt64(bitPattern: -3), count: rows))
    }

    @Test("many duplicates", arguments: [2, 5])
    func duplicates(distinct: Int64) async throws {
        try await checkSort(randomSigned(300, bound: distinct / 2, seed: 1200 + UInt64(distinct)))
    }

    @Test("already sorted and reverse sorted")
    func presorted() async throws {
        let ascending = Self.signed((0..<200).map { Int64($0) * 1_000_003 - 100_000_000 })
        try await checkSort(ascending)
        try await checkSort(ascending.reversed())
    }

    @Test("the extremes of Int64 compare correctly with everything")
    func extremes() async throws {
        let edges = Self.signed([.min, .max, 0, -1, 1, .min + 1, .max - 1, .min, .max, 0, -1])
        try await checkSort(edges)
        try await checkSort(edges + randomElements(150, seed: 1300) + edges.reversed())
        // Every ordered pair of edge keys, so each pair is compared directly at the first level.
        for pivot in edges {
            try await checkSort([pivot] + edges)
        }
    }

    @Test("random keys over the whole range", arguments: [100, 1000, 1023])
    func random(rows: Int) async throws {
        try await checkSort(randomElements(rows, seed: 1400 + UInt64(rows)))
    }

    @Test("random small keys, positive and negative", arguments: [257, 1000])
    func randomSmall(rows: Int) async throws {
        try await checkSort(randomSigned(rows, bound: 1000, seed: 1500 + UInt64(rows)))
    }

    @Test("lengths at the edges of 64-comparison blocks and of the position width", arguments: [3, 4, 5, 63, 64, 65, 127, 128, 129, 2049])
    func boundaries(rows: Int) async throws {
        try await checkSort(randomSigned(rows, bound: Int64(rows / 3 + 1), seed: 1700 + UInt64(rows)))
    }

    @Test("equal keys do not make the quicksort degenerate: ties are broken by a secret order")
    func equalKeysLookRandom() async throws {
        // If ties were broken by the public shuffled position, equal keys would be compared as an
        // already sorted array: n − 1 levels, visible to every party as the number of messages. With
        // a secret tie-break the ranks are a uniform permutation and the depth stays logarithmic.
        let rows = 200
        let network = InProcessNetwork()
        let counter = MessageCountingTransport(network.transport(for: .one))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in PartyIndex.all {
                group.addTask {
                    let transport: any Transport = index == .one ? counter : network.transport(for: index)
                    let party = try await Party.connect(over: transport)
                    let keys = ArithmeticShared.public([UInt64](repeating: 42, count: rows), party: index)
                    if index == .one { counter.messages.withLock { $0 = 0 } }
                    _ = try await party.sort(keys: keys, payload: [])
                }
            }
            try await group.waitForAll()
        }
        // Party 1 receives 2 messages in the shuffle, 8 in the bit decomposition and 9 per level.
        let levels = (counter.messages.withLock { $0 } - 10) / 9
        #expect(levels >= 8)  // a 200-row quicksort needs at least ⌈log₂ 200⌉ levels
        #expect(levels <= 40)  // a random one has depth about 2.5 log₂ 200 ≈ 19; n − 1 would be 199
    }

    @Test("several payload columns, or none, travel with their keys")
    func payloadColumns() async throws {
        let keys = randomSigned(130, bound: 20, seed: 1600)
        let a = randomElements(130, seed: 1601), b = inputsWithEdges(130, seed: 1602)
        let result = try await sorted(keys, payload: [a, b])
        let rows = zip(keys, zip(a, b)).map { [$0, $1.0, $1.1] }
        let stable = rows.indices.sorted {
            let x = Int64(bitPattern: keys[$0]), y = Int64(bitPattern: keys[$1])
            return x < y || (x == y && $0 < $1)
        }
        #expect(result.keys == stable.map { keys[$0] })
        #expect(result.payload == [stable.map { a[$0] }, stable.map { b[$0] }])
        let bare = try await sorted(keys, payload: [])
        #expect(bare.keys == result.keys && bare.payload.isEmpty)
    }

    @Test("payload columns of another length are rejected")
    func lengthMismatch() async throws {
        await #expect(throws: MPCError.lengthMismatch(expected: 4, actual: 3)) {
            _ = try await InProcessCluster.run { party in
                try await party.sort(keys: .zeros(count: 4, party: party.index), payload: [.zeros(count: 3, party: party.index)])
            }
        }
    }
}

/// A transport that counts the messages its party receives.
private final class MessageCountingTransport: Transport {
    let inner: any Transport
    let messages = Mutex(0)
    var party: PartyIndex { inner.party }
    init(_ inner: any Transport) { self.inner = inner }
    func send(_ words: [UInt64], to peer: PartyIndex) async throws { try await inner.send(words, to: peer) }
    func receive(from peer: PartyIndex) async throws -> [UInt64] {
        let words = try await inner.receive(from: peer)
        messages.withLock { $0 += 1 }
        return words
    }
}
