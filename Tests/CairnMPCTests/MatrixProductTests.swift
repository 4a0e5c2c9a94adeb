import CairnArithmetic
import Testing
@testable import CairnMPC

@Suite("Matrix products")
struct MatrixProductTests {
    @Test("AᵀB equals the cleartext product", arguments: [(0, 1, 1), (1, 1, 1), (7, 3, 2), (50, 10, 4)])
    func transposedProduct(rows: Int, aColumns: Int, bColumns: Int) async throws {
        let a = inputsWithEdges(rows * aColumns, seed: 800), b = randomElements(rows * bColumns, seed: 801)
        let result = try await compute([a, b]) { party, x in
            try await party.transposedProduct(x[0], columns: aColumns, x[1], columns: bColumns)
        }
        let expected = (0..<aColumns).flatMap { c in
            (0..<bColumns).map { k in (0..<rows).reduce(UInt64(0)) { $0 &+ a[$1 * aColumns + c] &* b[$1 * bColumns + k] } }
        }
        #expect(result == expected)
    }

    @Test("matrices whose rows differ are refused")
    func mismatch() async throws {
        await #expect(throws: MPCError.self) {
            _ = try await compute([[1, 2, 3, 4], [1, 2, 3]]) { party, x in
                try await party.transposedProduct(x[0], columns: 2, x[1], columns: 1)
            }
        }
    }
}
