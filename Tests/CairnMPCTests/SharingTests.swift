import CairnArithmetic
import Testing
@testable import CairnMPC

@Suite("Sharing, reveal and linear operations")
struct SharingTests {
    @Test("share then reveal returns the input", arguments: testLengths)
    func shareReveal(length: Int) async throws {
        let values = inputsWithEdges(length, seed: UInt64(length))
        #expect(try await compute([values]) { _, x in x[0] } == values)
    }

    @Test("every party can be the input owner, for both schemes")
    func ownersAndSchemes() async throws {
        let values = inputsWithEdges(20, seed: 7)
        for owner in PartyIndex.all {
            let outputs = try await InProcessCluster.run { party in
                let a: ArithmeticShared = try await party.share(party.index == owner ? values : nil, from: owner, count: 20)
                let b: BooleanShared = try await party.share(party.index == owner ? values : nil, from: owner, count: 20, as: Boolean.self)
                return [try await party.reveal(a), try await party.reveal(b)]
            }
            for output in outputs { #expect(output == [values, values]) }
        }
    }

    @Test("reveal to one party shows the values to that party only")
    func revealToOne() async throws {
        let values = inputsWithEdges(9, seed: 3)
        for recipient in PartyIndex.all {
            let outputs = try await InProcessCluster.run { party in
                let x: ArithmeticShared = try await party.share(party.index == .zero ? values : nil, from: .zero, count: 9)
                return try await party.reveal(x, to: recipient)
            }
            for index in PartyIndex.all {
                #expect(outputs[index.rawValue] == (index == recipient ? values : nil))
            }
        }
    }

    @Test("additive shares from contributors become replicated shares")
    func additiveToReplicated() async throws {
        let secrets = inputsWithEdges(50, seed: 11)
        let s0 = randomElements(50, seed: 12), s1 = randomElements(50, seed: 13)
        let s2 = zip(secrets, zip(s0, s1)).map { $0 &- $1.0 &- $1.1 }
        let additive = [s0, s1, s2]
        let outputs = try await InProcessCluster.run { party in
            try await party.reveal(try await party.fromAdditiveShares(additive[party.index.rawValue]))
        }
        for output in outputs { #expect(output == secrets) }
    }

    @Test("linear operations match the ring's arithmetic", arguments: [0, 1, 65])
    func linear(length: Int) async throws {
        let a = inputsWithEdges(length, seed: 1), b = randomElements(length, seed: 2)
        let constants = randomElements(length, seed: 3)
        let c: UInt64 = 0xDEAD_BEEF_0000_0001
        let results = try await InProcessCluster.run { party in
            let x: ArithmeticShared = try await party.share(party.index == .zero ? a : nil, from: .zero, count: length)
            let y: ArithmeticShared = try await party.share(party.index == .one ? b : nil, from: .one, count: length)
            return [
                try await party.reveal(x + y), try await party.reveal(x - y), try await party.reveal(-x),
                try await party.reveal(x + c), try await party.reveal(x - c), try await party.reveal(x * c),
                try await party.reveal(x * constants), try await party.reveal(x + constants),
                try await party.reveal(x.prefixSums()), try await party.reveal(x.sum()),
                try await party.reveal(ArithmeticShared.public(constants, party: party.index)),
            ]
        }
        var running: UInt64 = 0
        let expected: [[UInt64]] = [
            zip(a, b).map(&+), zip(a, b).map(&-), a.map { 0 &- $0 },
            a.map { $0 &+ c }, a.map { $0 &- c }, a.map { $0 &* c },
            zip(a, constants).map(&*), zip(a, constants).map(&+),
            a.map { running &+= $0; return running }, [a.reduce(0, &+)], constants,
        ]
        for result in results { #expect(result == expected) }
    }

    @Test("boolean linear operations match bitwise arithmetic")
    func booleanLinear() async throws {
        let a = inputsWithEdges(33, seed: 4), b = randomElements(33, seed: 5)
        let results = try await InProcessCluster.run { party in
            let x: BooleanShared = try await party.share(party.index == .two ? a : nil, from: .two, count: 33, as: Boolean.self)
            let y: BooleanShared = try await party.share(party.index == .zero ? b : nil, from: .zero, count: 33, as: Boolean.self)
            return [
                try await party.reveal(x ^ y), try await party.reveal(~x), try await party.reveal(x & 0xFF00),
                try await party.reveal(x << 3), try await party.reveal(x >> 61), try await party.reveal(x ^ b),
            ]
        }
        let expected: [[UInt64]] = [
            zip(a, b).map(^), a.map(~), a.map { $0 & 0xFF00 }, a.map { $0 << 3 }, a.map { $0 >> 61 }, zip(a, b).map(^),
        ]
        for result in results { #expect(result == expected) }
    }

    @Test("a share's description never shows its components")
    func descriptionHidesComponents() {
        let shared = ArithmeticShared(party: .one, first: [123_456_789], second: [987_654_321])
        for text in [shared.description, String(reflecting: shared), "\(shared)", { var s = ""; dump(shared, to: &s); return s }()] {
            #expect(!text.contains("123456789"))
            #expect(!text.contains("987654321"))
        }
    }
}
