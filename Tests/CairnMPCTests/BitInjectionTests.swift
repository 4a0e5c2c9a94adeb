import CairnArithmetic
import Testing
@testable import CairnMPC

@Suite("Bit injection and selection")
struct BitInjectionTests {
    @Test("injected bits are 0 and 1 in the ring", arguments: [0, 1, 64, 65, 200])
    func injection(length: Int) async throws {
        let bits = randomElements(length, seed: 700).map { $0 & 1 }
        let outputs = try await InProcessCluster.run { party in
            let b = try await party.share(party.index == .one ? bits : nil, from: .one, count: length, as: Boolean.self)
            return try await party.reveal(try await party.arithmetic(SharedBits(packing: b)))
        }
        for output in outputs { #expect(output == bits) }
    }

    @Test("select picks element-wise", arguments: [0, 1, 77])
    func select(length: Int) async throws {
        let bits = randomElements(length, seed: 701).map { $0 & 1 }
        let a = inputsWithEdges(length, seed: 702), b = randomElements(length, seed: 703)
        let outputs = try await InProcessCluster.run { party in
            let c = try await party.share(party.index == .zero ? bits : nil, from: .zero, count: length, as: Boolean.self)
            let x: ArithmeticShared = try await party.share(party.index == .one ? a : nil, from: .one, count: length)
            let y: ArithmeticShared = try await party.share(party.index == .two ? b : nil, from: .two, count: length)
            return try await party.reveal(try await party.select(SharedBits(packing: c), x, y))
        }
        let expected = (0..<length).map { bits[$0] == 1 ? a[$0] : b[$0] }
        for output in outputs { #expect(output == expected) }
    }
}
