import CairnArithmetic
import CairnMPC
import CairnStudy

/// The secret totals of every cell (table and margin cells, ``StatisticsPlan``) and group (each
/// cohort option, then all contributors), entry `cell · groups + group`.
struct SecretTotals {
    var counts: ArithmeticShared
    var sums: ArithmeticShared
    var headcounts: ArithmeticShared
    /// Per magnitude cell: the contributors whose value is not zero.
    var nonzero: ArithmeticShared
    /// Σv² of the cells in ``narrowSquareCells`` (exact in Z/2^64).
    var squares: ArithmeticShared
    /// Σh², Σh·l, Σl² of the cells in ``wideSquareCells``, one block after another.
    var limbSquares: ArithmeticShared
    var narrowSquareCells: [Int]
    var wideSquareCells: [Int]
    /// Each contributor's value of every cell, `contributor · cells + cell`.
    var extendedValues: ArithmeticShared
}

extension StudyComputation {
    /// The limb width of ``wideSquares``: `y < 2^41` splits into `h = y >> 20 < 2^21` and
    /// `l < 2^20`.
    static let limbBits = 20

    /// Every cell's totals, inside MPC.
    ///
    /// A margin cell's value is a public sum of its table cells' values (local); it counts as
    /// filled in when the sum of their presence bits is not zero, and as non-zero when its value
    /// is not; both are zero tests (``Party/equal(_:_:)-(ArithmeticShared,UInt64)``) on each
    /// contribution, injected into the ring (``Party/arithmetic(_:)``). Every total is then one
    /// ``Party/transposedProduct(_:columns:_:columns:)`` with the validity-weighted indicators.
    func secretTotals(
        on party: Party, values: ArithmeticShared, presence: ArithmeticShared, indicators: ArithmeticShared,
        contributors n: Int
    ) async throws -> SecretTotals {
        let cells = layout.cellCount, groups = layout.cohortIndicatorCount + 1
        let margins = Array(plan.marginCells), extended = plan.cells.count
        let marginValues = Self.rowSums(values, width: cells, rows: n, of: margins.map(\.baseCells))
        let marginPresence = Self.rowSums(presence, width: cells, rows: n, of: margins.map(\.baseCells))
        func interleaved(_ base: ArithmeticShared, _ margin: ArithmeticShared) -> ArithmeticShared {
            let m = margins.count
            return ArithmeticShared.concatenating([base, margin]).gathering((0..<n).flatMap { r in
                (0..<cells).map { r * cells + $0 } + (0..<m).map { n * cells + r * m + $0 }
            })
        }
        let extendedValues = interleaved(values, marginValues)
        let magnitude = plan.cells.indices.filter { plan.cells[$0].isMagnitude }
        let magnitudeValues = extendedValues.gathering((0..<n).flatMap { r in magnitude.map { r * extended + $0 } })
        // One batch of zero tests: each margin's summed presence, each magnitude value.
        let zero = try await party.equal(ArithmeticShared.concatenating([marginPresence, magnitudeValues]), 0)
        let nonzeroBits = zero.count == 0 ? ArithmeticShared.zeros(count: 0, party: party.index) : try await party.arithmetic(~zero)
        let filledMargins = nonzeroBits[0..<marginPresence.count]
        let nonzeroValues = nonzeroBits[marginPresence.count..<nonzeroBits.count]

        func product(_ a: ArithmeticShared, columns: Int) async throws -> ArithmeticShared {
            guard columns > 0, n > 0 else { return .zeros(count: columns * groups, party: party.index) }
            return try await party.transposedProduct(a, columns: columns, indicators, columns: groups)
        }
        let counts = try await product(interleaved(presence, filledMargins), columns: extended)
        let sums = try await product(extendedValues, columns: extended)
        let nonzero = try await product(nonzeroValues, columns: magnitude.count)
        let headcounts = sums.gathering(plan.cells.indices.flatMap { e in
            (0..<groups).map { (plan.cells[e].headcount ?? e) * groups + $0 }
        })

        let deviation = (0..<cells).filter { plan.cells[$0].statistics.contains(.standardDeviation) }
        let wide = deviation.filter { plan.needsWideSquares(plan.cells[$0], contributors: n) }
        let narrow = deviation.filter { !wide.contains($0) }
        let narrowValues = values.gathering((0..<n).flatMap { r in narrow.map { r * cells + $0 } })
        let squares = try await product(
            narrowValues.isEmpty ? narrowValues : try await party.multiply(narrowValues, narrowValues), columns: narrow.count)
        let limbSquares = try await wideSquares(
            on: party, values: values, presence: presence, cells: wide, contributors: n, product: product)
        return SecretTotals(
            counts: counts, sums: sums, headcounts: headcounts, nonzero: nonzero, squares: squares,
            limbSquares: limbSquares, narrowSquareCells: narrow, wideSquareCells: wide, extendedValues: extendedValues)
    }

    /// Σh², Σh·l and Σl² per wide cell and group, from which the recipient assembles the exact
    /// sum of squares `Σv²` in 128 bits.
    ///
    /// With `lo` the cell's declared minimum and `p` its presence bit, `y = v − p·lo` lies in
    /// `[0, W]`, `W = hi − lo < 2^41`, for every valid contribution (``ContributionValidation``
    /// checks exactly that; an invalid one is weighted 0). Exact limbs: `h = y >> 20` from the
    /// bits of `y` (``Party/bitDecomposition(_:)``, a local shift of the XOR-shared word,
    /// ``Party/arithmetic(fromBoolean:)``), `l = y − h·2^20`; then `y² = 2^40·h² + 2^21·h·l + l²`.
    /// Over at most 2^22 contributions `Σh² < 2^64`, `Σh·l < 2^63` and `Σl² < 2^62`, so each sum
    /// is exact in Z/2^64. The recipient adds the minimum back: `Σv² = Σy² + 2·lo·Σy + lo²·count`
    /// with `Σy = sum − lo·count` (empty cells have `p = 0`, so they add 0 to both).
    ///
    /// Used only for cells whose table asks for the standard deviation and where `count ·
    /// max(|lo|, |hi|)² ≥ 2^63` could happen (public facts); the others square in Z/2^64.
    ///
    /// - Cost: per contribution and wide cell, 8 + 9 + 1 rounds in all (batched over every value),
    ///   and 13 + 13 + 3 = 29 words sent by each party; then `3 · cells · groups` words for the
    ///   totals. Reveals nothing (the limbs' totals are opened only with the other results).
    func wideSquares(
        on party: Party, values: ArithmeticShared, presence: ArithmeticShared, cells wide: [Int], contributors n: Int,
        product: (ArithmeticShared, Int) async throws -> ArithmeticShared
    ) async throws -> ArithmeticShared {
        let cells = layout.cellCount, w = wide.count
        guard w > 0, n > 0 else { return .zeros(count: 3 * w * (layout.cohortIndicatorCount + 1), party: party.index) }
        let indices = (0..<n).flatMap { r in wide.map { r * cells + $0 } }
        let offsets = (0..<n).flatMap { _ in wide.map { UInt64(bitPattern: plan.cells[$0].offset) } }
        let y = values.gathering(indices) - presence.gathering(indices) * offsets
        let high = try await party.arithmetic(fromBoolean: try await party.bitDecomposition(y) >> Self.limbBits)
        let low = y - high * (UInt64(1) << Self.limbBits)
        let products = try await party.multiply(
            ArithmeticShared.concatenating([high, high, low]), ArithmeticShared.concatenating([high, low, low]))
        let rows = products.gathering((0..<n).flatMap { r in (0..<3).flatMap { kind in (0..<w).map { kind * n * w + r * w + $0 } } })
        return try await product(rows, 3 * w)
    }

    /// Per row of the `rows × width` matrix `x`, the sum of each list of columns: a public linear
    /// map, computed on each component with no communication.
    static func rowSums(_ x: ArithmeticShared, width: Int, rows: Int, of columns: [[Int]]) -> ArithmeticShared {
        func sums(_ component: [UInt64]) -> [UInt64] {
            var out: [UInt64] = []
            out.reserveCapacity(rows * columns.count)
            for r in 0..<rows {
                for list in columns { out.append(list.reduce(UInt64(0)) { $0 &+ component[r * width + $1] }) }
            }
            return out
        }
        return ArithmeticShared(party: x.party, first: sums(x.first), second: sums(x.second))
    }
}

/// The opened totals, entry `cell · groups + group`: what the recipient derives the statistics from.
struct OpenedTotals: Equatable {
    var counts: [Int64]
    var sums: [Int64]
    var headcounts: [Int64]
    /// `nil` for a cell that is not a magnitude cell.
    var nonzero: [Int64?]
    /// The exact Σv², `nil` where the standard deviation is not computed.
    var squares: [Int128?]

    init(counts: [Int64], sums: [Int64], headcounts: [Int64], nonzero: [Int64?], squares: [Int128?]) {
        self.counts = counts
        self.sums = sums
        self.headcounts = headcounts
        self.nonzero = nonzero
        self.squares = squares
    }

    /// The recipient's assembly of the numbers it received, in the order the parties reveal them.
    init(numbers: [UInt64], plan: StatisticsPlan, groups: Int, narrow: [Int], wide: [Int]) {
        let size = plan.cells.count * groups
        var next = 0
        func take(_ count: Int) -> [UInt64] {
            defer { next += count }
            return Array(numbers[next..<(next + count)])
        }
        counts = take(size).map { Int64(bitPattern: $0) }
        sums = take(size).map { Int64(bitPattern: $0) }
        headcounts = take(size).map { Int64(bitPattern: $0) }
        nonzero = [Int64?](repeating: nil, count: size)
        for e in plan.cells.indices where plan.cells[e].isMagnitude {
            for (g, value) in take(groups).enumerated() { nonzero[e * groups + g] = Int64(bitPattern: value) }
        }
        squares = [Int128?](repeating: nil, count: size)
        for e in narrow {
            for (g, value) in take(groups).enumerated() { squares[e * groups + g] = Int128(Int64(bitPattern: value)) }
        }
        let limbs = [take(wide.count * groups), take(wide.count * groups), take(wide.count * groups)]
        for (i, e) in wide.enumerated() {
            let lo = Int128(plan.cells[e].offset)
            for g in 0..<groups {
                let k = e * groups + g, j = i * groups + g
                let bits = StudyComputation.limbBits
                let ySquares = Int128(limbs[0][j]) << (2 * bits) + Int128(limbs[1][j]) << (bits + 1) + Int128(limbs[2][j])
                let count = Int128(counts[k]), ySum = Int128(sums[k]) - lo * count
                squares[k] = ySquares + 2 * lo * ySum + lo * lo * count
            }
        }
    }
}
