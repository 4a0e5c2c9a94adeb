import CairnArithmetic
import CairnMPC
import CairnStudy

/// The study definition's rules, checked on every contribution's secret shares: the parties learn
/// one secret bit per contribution, "it follows the rules", and nothing about which rule failed.
///
/// A contributor seals its vector in the browser or with `cairn submit`, so nothing it sends can
/// be trusted: a presence bit of 2 counts it twice and defeats small-cell suppression, a value of
/// 10^15 swamps a sum. ``run(on:contributions:)`` checks, for each contribution, everything
/// ``StudyDefinition/validate(submission:)`` checks in the clear on an honest one:
///
/// 1. **Bits and equalities**, batched by a random linear combination (Schwartz–Zippel over
///    Z/2^64). The error terms `p·(p − 1)` for every presence bit and cohort indicator (zero over
///    Z/2^64 exactly when `p ∈ {0, 1}`: `p` and `p − 1` are coprime, so 2^64 divides one of
///    them), `p − 1` for required cells, `Σ options − 1` for each cohort (one-hot, given bits),
///    and `p` for the rare cell whose range holds no value, are combined with
///    ``combinations`` vectors of public random coefficients drawn after the contributions are
///    fixed (``Party/publicRandomWords(_:)``); the contribution passes when every combination is
///    zero. Soundness: if the errors are not all zero, let `2^a·u` (`u` odd, `a ≤ 63`) be an error
///    of least 2-adic valuation; its coefficient's term is uniform over the multiples of `2^a`,
///    so one combination vanishes with probability at most `2^a / 2^64 ≤ 1/2` (the bound is met
///    by an error of `2^63`, from a presence bit of `2^63`), and ``combinations`` = 40 independent
///    ones all vanish with probability at most 2^−40.
/// 2. **Ranges, with the presence folded in.** With `p` a bit, `lo ≤ hi` the cell's bounds
///    (scaled by its decimal places; integer kinds from 0; never beyond ±10^12), `y = v − p·lo`
///    and `W = hi − lo < 2^41`: the cell is valid iff `msb(y) = 0` and `msb(p·W − y) = 0`, which
///    holds exactly when `0 ≤ y ≤ p·W` as integers (if `y < 2^63` then `p·W − y > −2^63`, so its
///    sign is read without wrap-around). For `p = 0` this forces `v = 0`: a value is present only
///    where its bit is.
/// 3. **`zeroTogether`**: `isZero(v)` of each listed table's cell (empty cells hold 0) must agree.
/// 4. **`notGreaterThan`** (first ≤ second when both are filled in): `msb(p_a·p_b·(v_b − v_a))`
///    must be 0; the ranges bound both values by 10^12, so the difference does not wrap.
///
/// The per-contribution results are ANDed: the contributors are padded with zero vectors to a
/// multiple of 64 and laid out check-major (element `check·Cp + contributor`), so each check's
/// packed bits for 64 contributors fill one word and the AND over a contribution's checks is a
/// tree of word-wise ANDs over checks.
///
/// What it reveals: nothing. The validity bits stay secret-shared (the caller folds them into the
/// statistics); the random coefficients are public but independent of the contributions.
///
/// - Cost: per contribution with `n` cells, `k` cohort options and `g` `notGreaterThan` cell
///   pairs, about 2 + 7 + 8 + ⌈log2(#checks)⌉ rounds per batch of 1,024 contributions (batches
///   bound the messages' size and the memory);
///   each party sends `(2n + g)·247/64` words for the signs (about 7.7·n), `n + k + 2g` words of
///   products, 2 words per zero test (40 + the `zeroTogether` cells, party 0; about 1 elsewhere)
///   and about `#checks/64` words for the AND tree. Local work: 40·(n + k) multiply-adds for the
///   combinations, and a transposition of the vector. Everything grows with the contribution's
///   cells, not with the number of contributors.
///
/// - Seealso: ABY3 (Mohassel and Rindal, CCS 2018) §5.3 for the sign bits and zero tests; the
///   batching of equality checks by random linear combination is the standard Schwartz–Zippel
///   argument (as in Prio, Corrigan-Gibbs and Boneh, NSDI 2017, §4), made sound over Z/2^64 by
///   the 2-adic argument above and many repetitions.
public struct ContributionValidation: Sendable {
    /// The number of random linear combinations: soundness error at most 2^−40.
    public static let combinations = 40

    /// A cell's allowed values, scaled by its decimal places.
    struct Bounds: Equatable {
        var lower: Int64
        var upper: Int64
        /// No scaled value satisfies both bounds (a range narrower than the decimal places): the
        /// cell must stay empty.
        var isEmpty: Bool { lower > upper }
    }

    let layout: CellLayout
    /// Each cell's bounds, in the canonical cell order.
    let bounds: [Bounds]
    /// The cells that must be filled in.
    let required: [Int]
    /// For each `zeroTogether` rule, the cells at each position of each listed table:
    /// `cells[table][position]`.
    let zeroTogether: [[[Int]]]
    /// Each `notGreaterThan` pair: the cell that must not be greater, and the other.
    let notGreaterThan: [(smaller: Int, larger: Int)]

    /// Contributions checked together, a multiple of 64.
    let batchSize: Int

    /// The checks of `definition`'s rules, run on `batchSize` contributions at a time (rounded up
    /// to a multiple of 64).
    public init(definition: StudyDefinition, batchSize: Int = 1024) {
        self.batchSize = max(64, (batchSize + 63) / 64 * 64)
        let layout = definition.cellLayout
        self.layout = layout
        var bounds: [Bounds] = [], required: [Int] = []
        for table in definition.tables {
            for row in definition.rowLabels(of: table).indices {
                for column in definition.columnLabels(of: table).indices {
                    let rules = definition.cellRules(table: table, row: row, column: column)
                    if rules.required == true { required.append(bounds.count) }
                    bounds.append(Self.bounds(rules))
                }
            }
        }
        self.bounds = bounds
        self.required = required
        var zeroTogether: [[[Int]]] = [], notGreaterThan: [(Int, Int)] = []
        for rule in definition.allRules {
            let blocks = rule.tables.compactMap { id in layout.tables.first { $0.table == id } }
            guard let first = blocks.first, blocks.allSatisfy({ $0.rows == first.rows && $0.columns == first.columns }) else { continue }
            let cells = blocks.map { block in Array(block.firstCell..<(block.firstCell + block.rows * block.columns)) }
            switch rule.rule {
            case .zeroTogether where cells.count > 1:
                zeroTogether.append(cells)
            case .notGreaterThan where cells.count == 2:
                notGreaterThan += zip(cells[0], cells[1]).map { ($0, $1) }
            default:
                break
            }
        }
        self.zeroTogether = zeroTogether
        self.notGreaterThan = notGreaterThan
    }

    /// The scaled bounds of a cell with these rules: the smallest and largest `v` whose value
    /// `v / 10^decimalPlaces` passes the same `Double` comparisons as the cleartext validation
    /// (`StudyDefinition.validate(submission:)`), within ±10^12.
    static func bounds(_ rules: StudyDefinition.CellRules) -> Bounds {
        let places = rules.decimalPlaces ?? 0
        let scale = Double((0..<places).reduce(Int64(1)) { product, _ in product * 10 })
        let largest = StudyDefinition.largestMagnitude
        func scaled(_ bound: Double, rounding: FloatingPointRoundingRule) -> Int64 {
            let value = (bound * scale).rounded(rounding)
            return Int64(max(-Double(largest) - 1, min(Double(largest) + 1, value)))
        }
        // `bound × scale` is off by less than one unit, so two steps either way find the exact
        // value; the clamp to ±10^12 comes last (a bound far outside it needs no steps).
        var lower = -largest, upper = largest
        if let minimum = rules.minimum {
            var v = scaled(minimum, rounding: .up)
            for _ in 0..<2 where Double(v - 1) / scale >= minimum { v -= 1 }
            for _ in 0..<2 where Double(v) / scale < minimum { v += 1 }
            lower = max(lower, v)
        }
        if let maximum = rules.maximum {
            var v = scaled(maximum, rounding: .down)
            for _ in 0..<2 where Double(v + 1) / scale <= maximum { v += 1 }
            for _ in 0..<2 where Double(v) / scale > maximum { v -= 1 }
            upper = min(upper, v)
        }
        return Bounds(lower: lower, upper: upper)
    }

    /// Whether a cleartext cell vector follows the rules: what ``run(on:contributions:)`` computes
    /// in secret (exactly, but for its 2^−40 soundness error). For tests and the cleartext
    /// reference of the statistics.
    public func reference(vector: [UInt64]) -> Bool {
        let n = layout.cellCount
        guard vector.count == layout.vectorLength else { return false }
        let value = { (cell: Int) in Int64(bitPattern: vector[cell]) }
        let present = { (cell: Int) in vector[n + cell] == 1 }
        guard vector[n...].allSatisfy({ $0 <= 1 }) else { return false }
        for cohort in layout.cohorts where vector[cohort.firstPosition..<(cohort.firstPosition + cohort.options)].reduce(0, &+) != 1 {
            return false
        }
        guard required.allSatisfy(present) else { return false }
        for (cell, bounds) in bounds.enumerated() {
            if present(cell) {
                guard !bounds.isEmpty, (bounds.lower...bounds.upper).contains(value(cell)) else { return false }
            } else if value(cell) != 0 {
                return false
            }
        }
        for tables in zeroTogether {
            for position in tables[0].indices {
                let zero = tables.map { value($0[position]) == 0 }
                guard zero.allSatisfy({ $0 == zero[0] }) else { return false }
            }
        }
        for pair in notGreaterThan where present(pair.smaller) && present(pair.larger) {
            guard value(pair.smaller) <= value(pair.larger) else { return false }
        }
        return true
    }

    /// Runs on every party: one secret bit per contribution, set when it follows the rules.
    /// `contributions` holds the cell vectors one after another (``CellLayout/vectorLength`` each).
    ///
    /// - Cost: see the type's documentation.
    public func run(on party: Party, contributions: ArithmeticShared) async throws -> SharedBits {
        let length = layout.vectorLength
        guard length > 0, contributions.count > 0 else {
            return SharedBits(words: .zeros(count: 0, party: party.index), count: 0)
        }
        guard contributions.count % length == 0 else {
            throw MPCError.invalidArgument("contributions are not whole cell vectors of \(length) elements")
        }
        // Batches of whole words keep each message and the check-major copies small (a batch's
        // signs are about 8·n·batch words); each batch draws its own coefficients.
        let contributors = contributions.count / length
        var words: [BooleanShared] = []
        for start in stride(from: 0, to: contributors, by: batchSize) {
            let end = min(contributors, start + batchSize)
            words.append(try await check(on: party, contributions[(start * length)..<(end * length)], contributors: end - start))
        }
        return SharedBits(words: .concatenating(words), count: contributors)
    }

    /// The validity words of one batch of `contributors` contributions.
    func check(on party: Party, _ contributions: ArithmeticShared, contributors: Int) async throws -> BooleanShared {
        let length = layout.vectorLength, n = layout.cellCount, k = layout.cohortIndicatorCount
        let blocks = (contributors + 63) / 64, width = 64 * blocks
        let matrix = ArithmeticShared(
            party: party.index,
            first: Self.checkMajor(contributions.first, contributors: contributors, length: length, width: width),
            second: Self.checkMajor(contributions.second, contributors: contributors, length: length, width: width))
        func rows(_ range: Range<Int>) -> ArithmeticShared { matrix[(range.lowerBound * width)..<(range.upperBound * width)] }
        func rows(of positions: [Int]) -> ArithmeticShared {
            matrix.gathering(positions.flatMap { position in (position * width)..<((position + 1) * width) })
        }
        func repeated(_ constants: [Int64]) -> [UInt64] {
            constants.flatMap { [UInt64](repeating: UInt64(bitPattern: $0), count: width) }
        }
        let values = rows(0..<n), presence = rows(n..<(2 * n))

        // Products: p·(p − 1) for the bits, then p_a·p_b·(v_b − v_a) for notGreaterThan.
        let bits = rows(n..<(2 * n + k))
        let smaller = notGreaterThan.map(\.smaller), larger = notGreaterThan.map(\.larger)
        let firstProducts = try await party.multiply(
            .concatenating([bits, rows(of: smaller.map { n + $0 })]),
            .concatenating([bits - 1, rows(of: larger.map { n + $0 })]))
        let bitErrors = firstProducts[0..<bits.count]
        let bothPresent = firstProducts[bits.count..<firstProducts.count]
        let differences = try await party.multiply(bothPresent, rows(of: larger) - rows(of: smaller))

        // 1. Every equality, batched into `combinations` random linear combinations.
        var equalities = [bitErrors]
        if !required.isEmpty { equalities.append(rows(of: required.map { n + $0 }) - 1) }
        for cohort in layout.cohorts where cohort.options > 0 {
            let options = cohort.firstPosition..<(cohort.firstPosition + cohort.options)
            let chosen = ArithmeticShared(
                party: party.index,
                first: Self.sumOfRows(matrix.first, options, width: width),
                second: Self.sumOfRows(matrix.second, options, width: width))
            equalities.append(chosen - 1)
        }
        let mustBeEmpty = bounds.indices.filter { bounds[$0].isEmpty }
        if !mustBeEmpty.isEmpty { equalities.append(rows(of: mustBeEmpty.map { n + $0 })) }
        let errors = ArithmeticShared.concatenating(equalities)
        let errorRows = errors.count / width
        let coefficients = party.publicRandomWords(Self.combinations * errorRows)
        let combined = ArithmeticShared(
            party: party.index,
            first: Self.combine(errors.first, rows: errorRows, width: width, coefficients: coefficients),
            second: Self.combine(errors.second, rows: errorRows, width: width, coefficients: coefficients))

        // 3. zeroTogether: zero tests, in the same call as the combinations'.
        let zeroCells = zeroTogether.flatMap { $0.flatMap { $0 } }
        let zeros = try await party.equal(.concatenating([combined, rows(of: zeroCells)]), 0).words
        var passed = [zeros[0..<(Self.combinations * blocks)]]
        var offset = Self.combinations * blocks
        for tables in zeroTogether {
            let positionWords = tables[0].count * blocks
            let firstTable = zeros[offset..<(offset + positionWords)]
            for table in 1..<tables.count {
                let start = offset + table * positionWords
                passed.append(~(zeros[start..<(start + positionWords)] ^ firstTable))
            }
            offset += tables.count * positionWords
        }

        // 2 and 4. Ranges and notGreaterThan: signs, all in one batch.
        let lower = repeated(bounds.map { $0.isEmpty ? 0 : $0.lower })
        let span = repeated(bounds.map { $0.isEmpty ? 0 : $0.upper - $0.lower })
        let aboveLower = values - presence * lower
        let belowUpper = presence * span - aboveLower
        let signs = try await party.mostSignificantBits(of: [aboveLower, belowUpper, differences])
        passed += signs.map { ~$0.words }

        return try await Self.allOf(BooleanShared.concatenating(passed), blocks: blocks, on: party)
    }

    /// The AND of the rows of `checks` (each `blocks` words: one check for every contributor), by
    /// a tree of word-wise ANDs.
    ///
    /// - Cost: ⌈log2(rows)⌉ rounds, fewer than `rows · blocks` words sent by each party in all.
    static func allOf(_ checks: BooleanShared, blocks: Int, on party: Party) async throws -> BooleanShared {
        var checks = checks
        var count = checks.count / blocks
        if count == 0 { return .public([UInt64](repeating: .max, count: blocks), party: party.index) }
        while count > 1 {
            if count % 2 == 1 {
                checks = .concatenating([checks, .public([UInt64](repeating: .max, count: blocks), party: party.index)])
                count += 1
            }
            let half = count / 2 * blocks
            checks = try await party.and(checks[0..<half], checks[half..<(2 * half)])
            count /= 2
        }
        return checks
    }

    /// A component of the contributions, contributor-major, rearranged check-major: element
    /// `position · width + contributor`, with zeros for the padding contributors.
    static func checkMajor(_ component: [UInt64], contributors: Int, length: Int, width: Int) -> [UInt64] {
        var matrix = [UInt64](repeating: 0, count: length * width)
        component.withUnsafeBufferPointer { source in
            matrix.withUnsafeMutableBufferPointer { target in
                for contributor in 0..<contributors {
                    let row = contributor * length
                    for position in 0..<length { target[position * width + contributor] = source[row + position] }
                }
            }
        }
        return matrix
    }

    /// The sum of the rows `rows` of a check-major component (each `width` long).
    static func sumOfRows(_ component: [UInt64], _ rows: Range<Int>, width: Int) -> [UInt64] {
        var sum = [UInt64](repeating: 0, count: width)
        for row in rows {
            for r in 0..<width { sum[r] &+= component[row * width + r] }
        }
        return sum
    }

    /// `combinations` linear combinations of the `rows` rows of `errors` (each `width` long), row
    /// by row with the public coefficients: a linear map, applied to a component of a sharing.
    static func combine(_ errors: [UInt64], rows: Int, width: Int, coefficients: [UInt64]) -> [UInt64] {
        var combined = [UInt64](repeating: 0, count: combinations * width)
        errors.withUnsafeBufferPointer { errors in
            combined.withUnsafeMutableBufferPointer { combined in
                for t in 0..<combinations {
                    let target = UnsafeMutableBufferPointer(rebasing: combined[(t * width)..<((t + 1) * width)])
                    for row in 0..<rows {
                        let coefficient = coefficients[t * rows + row]
                        let source = UnsafeBufferPointer(rebasing: errors[(row * width)..<((row + 1) * width)])
                        for r in 0..<width { target[r] &+= coefficient &* source[r] }
                    }
                }
            }
        }
        return combined
    }
}
