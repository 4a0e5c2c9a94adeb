import CairnArithmetic
import CairnStudy

extension StudyComputation {
    /// The results computed in the clear from the contributors' cell vectors: what the parties
    /// must reveal. With three compute parties the vectors that break the study's rules are left
    /// out and counted, as the parties do; two parties check nothing
    /// (``TwoPartyStudyComputation``). The demo and the multi-process tests check the parties'
    /// results against it.
    ///
    /// It mirrors every rule of the MPC computation, written directly: margins as sums of
    /// their cells, exact squares in 128 bits, the dominance rule compared exactly in 128 bits
    /// (no clamp), and the suppression rules of ``suppression(on:totals:values:indicators:contributors:)``.
    public func reference(vectors all: [[UInt64]]) -> StudyResults {
        let checked = definition.computeParties.count >= 3
        let validation = ContributionValidation(definition: definition)
        let vectors = checked ? all.filter(validation.reference(vector:)) : all
        let groups = layout.cohortIndicatorCount + 1
        let (flags, computed) = referenceTotals(vectors: vectors)
        var totals = computed
        // Two parties cannot test for zero, so they count no non-zero contributors.
        if !checked { totals.nonzero = totals.nonzero.map { _ in nil } }
        var results = results(flags: flags, totals: totals, groups: groups)
        results.leftOut = checked ? all.count - vectors.count : nil
        return results
    }

    /// Each cell's value for one contributor: table cells as given, margin cells the sums.
    func referenceValues(_ vector: [UInt64]) -> (values: [Int64], filled: [Bool]) {
        let cells = layout.cellCount
        var values: [Int64] = [], filled: [Bool] = []
        for cell in plan.cells {
            values.append(cell.baseCells.reduce(Int64(0)) { $0 &+ Int64(bitPattern: vector[$1]) })
            filled.append(cell.baseCells.contains { vector[cells + $0] != 0 })
        }
        return (values, filled)
    }

    func referenceTotals(vectors: [[UInt64]]) -> (flags: [Bool], totals: OpenedTotals) {
        let cells = layout.cellCount, options = layout.cohortIndicatorCount, groups = options + 1
        let size = plan.cells.count * groups
        var counts = [Int64](repeating: 0, count: size), sums = counts, dominated = counts
        var nonzero = [Int64?](repeating: nil, count: size)
        var squares = [Int128?](repeating: nil, count: size)
        for (e, cell) in plan.cells.enumerated() {
            for g in 0..<groups {
                if cell.isMagnitude { nonzero[e * groups + g] = 0 }
                if cell.margin == nil, cell.statistics.contains(.standardDeviation) { squares[e * groups + g] = 0 }
            }
        }
        let contributions = vectors.map { vector in
            (groups: (0..<groups).filter { $0 == options || vector[2 * cells + $0] == 1 }, referenceValues(vector))
        }
        for (memberships, (values, filled)) in contributions {
            for g in memberships {
                for e in plan.cells.indices {
                    let k = e * groups + g, value = values[e]
                    counts[k] += filled[e] ? 1 : 0
                    sums[k] &+= value
                    if let total = nonzero[k] { nonzero[k] = total + (value != 0 ? 1 : 0) }
                    if let total = squares[k] { squares[k] = total + Int128(value) * Int128(value) }
                }
            }
        }
        let headcounts = plan.cells.indices.flatMap { e in (0..<groups).map { sums[(plan.cells[e].headcount ?? e) * groups + $0] } }
        if let (numerator, denominator) = plan.dominance {
            for (memberships, (values, _)) in contributions {
                for g in memberships {
                    for e in plan.cells.indices where plan.cells[e].checksDominance {
                        let k = e * groups + g
                        if Int128(denominator) * Int128(values[e]) > Int128(numerator) * Int128(sums[k]) { dominated[k] += 1 }
                    }
                }
            }
        }
        var flags = [Bool](repeating: false, count: size)
        let minimum = definition.statistics.minimumCellSize.map(Int64.init)
        for (e, cell) in plan.cells.enumerated() {
            for g in 0..<groups {
                let k = e * groups + g
                if let minimum {
                    let support = cell.isMagnitude ? nonzero[k]! : counts[k]
                    flags[k] = support < minimum || (cell.headcount != nil && headcounts[k] < minimum)
                }
                flags[k] = flags[k] || dominated[k] > 0
            }
        }
        // Complementary suppression, level by level (``complementary(on:primary:totals:support:indicators:contributors:)``).
        for level in plan.levels {
            var withheld = [Bool](repeating: false, count: size)
            for partition in level {
                let cell = plan.cells[partition.margin]
                for g in 0..<groups {
                    let residual = partition.parts.flatMap { piece in
                        piece.baseCells.filter { flags[$0 * groups + g] && flags[piece.cell * groups + g] }
                    }
                    guard !residual.isEmpty else { continue }
                    // Each member's residual support: its values in magnitude tables, else the
                    // number of residual cells it filled in.
                    let supports = contributions.filter { $0.groups.contains(g) }.map { _, computed in
                        residual.reduce(Int64(0)) { total, c in
                            total &+ (plan.cells[c].isMagnitude ? computed.values[c] : (computed.filled[c] ? 1 : 0))
                        }
                    }
                    let total = residual.reduce(Int64(0)) { $0 &+ sums[$1 * groups + g] }
                    let headcount = residual.reduce(Int64(0)) { $0 &+ headcounts[$1 * groups + g] }
                    var fails = false
                    if let minimum {
                        fails = Int64(supports.filter { $0 != 0 }.count) < minimum || (cell.headcount != nil && headcount < minimum)
                    }
                    if cell.checksDominance, let (numerator, denominator) = plan.dominance {
                        fails = fails || supports.contains { Int128(denominator) * Int128($0) > Int128(numerator) * Int128(total) }
                    }
                    if fails { withheld[partition.margin * groups + g] = true }
                }
            }
            for k in 0..<size where withheld[k] { flags[k] = true }
        }
        return (flags, OpenedTotals(counts: counts, sums: sums, headcounts: headcounts, nonzero: nonzero, squares: squares))
    }
}
