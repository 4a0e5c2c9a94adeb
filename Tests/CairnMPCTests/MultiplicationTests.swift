import CairnArithmetic
import Testing
@testable import CairnMPC

@Suite("Multiplication, AND and inner products")
struct MultiplicationTests {
    @Test("multiply matches wrapping multiplication", arguments: testLengths)
    func multiply(length: Int) async throws {
        let a = inputsWithEdges(length, seed: 100), b = randomElements(length, seed: 101)
        let edgesB = Array(edgeElements.reversed()) + b
        let bb = Array(edgesB.prefix(length))
        #expect(try await compute([a, bb]) { party, x in try await party.multiply(x[0], x[1]) } == zip(a, bb).map(&*))
    }

    @Test("every pair of edge elements multiplies correctly")
    func edgePairs() async throws {
        let a = edgeElements.flatMap { e in edgeElements.map { _ in e } }
        let b = edgeElements.flatMap { _ in edgeElements }
        #expect(try await compute([a, b]) { party, x in try await party.multiply(x[0], x[1]) } == zip(a, b).map(&*))
    }

    @Test("AND and OR match bitwise operations", arguments: [0, 1, 100])
    func andOr(length: Int) async throws {
        let a = inputsWithEdges(length, seed: 200), b = randomElements(length, seed: 201)
        let outputs = try await InProcessCluster.run { party in
            let x: BooleanShared = try await party.share(party.index == .zero ? a : nil, from: .zero, count: length, as: Boolean.self)
            let y: BooleanShared = try await party.share(party.index == .one ? b : nil, from: .one, count: length, as: Boolean.self)
            return [try await party.reveal(try await party.and(x, y)), try await party.reveal(try await party.or(x, y))]
        }
        for output in outputs { #expect(output == [zip(a, b).map(&), zip(a, b).map(|)]) }
    }

    @Test("inner products match the cleartext sums of products", arguments: [0, 1, 10, 99])
    func innerProducts(length: Int) async throws {
        let a = inputsWithEdges(length, seed: 300), b = randomElements(length, seed: 301)
        let dot = try await compute([a, b]) { party, x in try await party.dotProduct(x[0], x[1]) }
        #expect(dot == [zip(a, b).map(&*).reduce(0, &+)])
        let segments = try await compute([a, b]) { party, x in try await party.innerProducts(x[0], x[1], segmentLength: 4) }
        let expected = stride(from: 0, to: length, by: 4).map { start in
            (start..<min(start + 4, length)).map { a[$0] &* b[$0] }.reduce(0, &+)
        }
        #expect(segments == expected)
    }

    @Test("vectors of different lengths are refused")
    func lengthMismatch() async throws {
        await #expect(throws: MPCError.lengthMismatch(expected: 2, actual: 3)) {
            _ = try await compute([[1, 2], [1, 2, 3]]) { party, x in try await party.multiply(x[0], x[1]) }
        }
    }

    @Test("chains of multiplications stay correct (randomness stays in lockstep)")
    func chain() async throws {
        let a = randomElements(64, seed: 400)
        let result = try await compute([a]) { party, x in
            var acc = x[0]
            for _ in 0..<10 { acc = try await party.multiply(acc, x[0]) }
            return acc
        }
        #expect(result == a.map { v in (0..<10).reduce(v) { acc, _ in acc &* v } })
    }
}
