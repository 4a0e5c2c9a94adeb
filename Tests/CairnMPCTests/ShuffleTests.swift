import CairnArithmetic
import Synchronization
import Testing
@testable import CairnMPC

@Suite("Oblivious shuffle")
struct ShuffleTests {
    /// Shuffles three columns (row ids, random values, edge elements) and returns what the parties
    /// revealed, after checking that all three revealed the same table.
    func shuffled(_ columns: [[UInt64]]) async throws -> [[UInt64]] {
        let outputs = try await InProcessCluster.run { party in
            var shared: [ArithmeticShared] = []
            for (k, values) in columns.enumerated() {
                let owner = PartyIndex.all[k % 3]
                shared.append(try await party.share(party.index == owner ? values : nil, from: owner, count: values.count))
            }
            var revealed: [[UInt64]] = []
            for column in try await party.shuffle(shared) { revealed.append(try await party.reveal(column)) }
            return revealed
        }
        #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2])
        return outputs[0]
    }

    /// A table whose first column numbers the rows, so that output rows can be traced to input rows.
    func table(rows: Int, seed: UInt64) -> [[UInt64]] {
        [(0..<rows).map { UInt64($0) }, randomElements(rows, seed: seed), inputsWithEdges(rows, seed: seed + 1)]
    }

    /// The input row that each output row came from, after checking the rows stayed whole.
    func sources(of output: [[UInt64]], input: [[UInt64]]) -> [Int] {
        let sources = output[0].map { Int(truncatingIfNeeded: $0) }
        for (k, source) in sources.enumerated() {
            guard input[0].indices.contains(source) else {
                Issue.record("output row \(k) has no input row")
                continue
            }
            for column in 1..<input.count { #expect(output[column][k] == input[column][source]) }
        }
        return sources
    }

    @Test("the output is a permutation of the input rows, rows kept whole", arguments: [0, 1, 2, 3, 10, 64, 100, 257])
    func permutesRows(rows: Int) async throws {
        let input = table(rows: rows, seed: 900 + UInt64(rows))
        let output = try await shuffled(input)
        #expect(output.count == input.count)
        #expect(output.allSatisfy { $0.count == rows })
        let sources = sources(of: output, input: input)
        #expect(sources.sorted() == Array(0..<rows))
        for column in input.indices { #expect(output[column].sorted() == input[column].sorted()) }
    }

    @Test("the permutation is not the identity", arguments: [10, 1000])
    func notIdentity(rows: Int) async throws {
        // The identity comes out with probability 1/n!.
        let input = table(rows: rows, seed: 950)
        #expect(sources(of: try await shuffled(input), input: input) != Array(0..<rows))
    }

    @Test("two runs give different orders")
    func freshPermutation() async throws {
        let input = table(rows: 100, seed: 960)
        let first = sources(of: try await shuffled(input), input: input)
        let second = sources(of: try await shuffled(input), input: input)
        #expect(first != second)
    }

    @Test("the permutation moves rows across the whole table")
    func spreadsRows() async throws {
        // Rows 0..<500 of 1000: a uniform permutation sends about half of them into the back half.
        let input = table(rows: 1000, seed: 970)
        let sources = sources(of: try await shuffled(input), input: input)
        let crossed = sources[500...].filter { $0 < 500 }.count
        #expect((200...300).contains(crossed))
    }

    @Test("boolean columns are permuted with the arithmetic ones", arguments: [2, 100])
    func mixedSchemes(rows: Int) async throws {
        let ids = (0..<rows).map { UInt64($0) }, words = inputsWithEdges(rows, seed: 980)
        let outputs = try await InProcessCluster.run { party in
            let a: ArithmeticShared = try await party.share(party.index == .zero ? ids : nil, from: .zero, count: rows)
            let b: BooleanShared = try await party.share(party.index == .one ? words : nil, from: .one, count: rows, as: Boolean.self)
            let c = BooleanShared.public(ids, party: party.index)
            let table = try await party.shuffle(arithmetic: [a], boolean: [b, c])
            return [try await party.reveal(table.arithmetic[0])] + [try await party.reveal(table.boolean[0]), try await party.reveal(table.boolean[1])]
        }
        let output = outputs[0]
        #expect(outputs.allSatisfy { $0 == output })
        #expect(output[0].sorted() == ids)
        #expect(output[1] == output[0].map { words[Int($0)] })
        #expect(output[2] == output[0])
    }

    @Test("an empty list of columns shuffles to an empty list")
    func noColumns() async throws {
        let outputs = try await InProcessCluster.run { party in try await party.shuffle([]).count }
        #expect(outputs == [0, 0, 0])
    }

    @Test("columns of different lengths are rejected")
    func lengthMismatch() async throws {
        await #expect(throws: MPCError.lengthMismatch(expected: 3, actual: 2)) {
            _ = try await InProcessCluster.run { party in
                try await party.shuffle([.zeros(count: 3, party: party.index), .zeros(count: 2, party: party.index)])
            }
        }
    }

    @Test("the party left out of a pass receives only masked words")
    func outsiderSeesMaskedWords() async throws {
        // Public zeros: every component is zero, so any unmasked word party 2 received would be zero.
        let rows = 512
        let network = InProcessNetwork()
        let recorder = RecordingTransport(network.transport(for: .two))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in PartyIndex.all {
                group.addTask {
                    let transport: any Transport = index == .two ? recorder : network.transport(for: index)
                    let party = try await Party.connect(over: transport)
                    if index == .two { recorder.received.withLock { $0.removeAll() } }  // drop the key set-up
                    let zeros = ArithmeticShared.public([UInt64](repeating: 0, count: rows), party: index)
                    _ = try await party.shuffle([zeros, zeros])
                }
            }
            try await group.waitForAll()
        }
        let view = recorder.received.withLock { $0 }
        // Party 2 sits out pass 0 only: it receives one message from each of parties 0 and 1.
        #expect(view.count == 2 * 2 * rows)
        #expect(view.allSatisfy { $0 != 0 })
        let ones = view.reduce(0) { $0 + $1.nonzeroBitCount }
        #expect(abs(Double(ones) / Double(view.count * 64) - 0.5) < 0.01)
    }
}
