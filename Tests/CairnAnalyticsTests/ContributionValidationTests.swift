import CairnArithmetic
import CairnMPC
import CairnStudy
import Foundation
import Testing
@testable import CairnAnalytics

/// Contributions checked on their shares: what a contributor who crafts its own envelope can do,
/// and that the parties leave it out of every statistic without learning which it was.
@Suite("Contributions checked against the study's rules on their shares")
struct ContributionValidationTests {
    /// The quick-start study (count table, required, maximum; money table with a headcount;
    /// zeroTogether; one cohort) with a bonus table that must not exceed the salaries, a
    /// two-decimal `number` table with a negative minimum, and a second cohort.
    static let definition: StudyDefinition = {
        var definition = StudyComputationTests.quickstart
        let rows = definition.tables[0].rows, columns = definition.tables[0].columns
        definition.tables.append(.init(
            id: "bonus", title: "Bonuses", kind: .money, rows: rows, columns: columns, headcountTable: "employees"))
        definition.tables.append(.init(
            id: "change", title: "Change in percent", kind: .number, rows: rows, columns: columns,
            validation: .init(minimum: -50.5, maximum: 1000, decimalPlaces: 2)))
        definition.rules = (definition.rules ?? []) + [.init(rule: .notGreaterThan, tables: ["bonus", "salaries"])]
        definition.cohorts = (definition.cohorts ?? []) + [.init(id: "size", question: "How large are you?", options: ["Small", "Large"])]
        return definition
    }()

    static let layout = definition.cellLayout
    /// Cell numbers of the tables' first cells: employees, salaries, bonus, change (4 cells each).
    static let employees = 0, salaries = 4, bonus = 8, change = 12

    /// A random contribution that follows every rule: some empty cells, zeros together, bonuses
    /// at most the salaries, changes between −50.50 and 1000.00.
    static func valid(using generator: inout SplitMix64) -> [UInt64] {
        let n = layout.cellCount
        var vector = [UInt64](repeating: 0, count: layout.vectorLength)
        func set(_ cell: Int, _ value: Int64?) {
            vector[cell] = value.map(Ring64.element) ?? 0
            vector[n + cell] = value == nil ? 0 : 1
        }
        for position in 0..<4 {
            let headcount = generator.next() % 3 == 0 ? 0 : Int64(1 + generator.next() % 6)
            set(employees + position, headcount)
            let salary: Int64? = headcount == 0 ? (generator.next() % 2 == 0 ? nil : 0) : headcount * Int64(40_000 + generator.next() % 80_000)
            set(salaries + position, salary)
            set(bonus + position, generator.next() % 3 == 0 ? nil : Int64(generator.next() % UInt64((salary ?? 0) + 1)))
            set(change + position, generator.next() % 4 == 0 ? nil : -5050 + Int64(generator.next() % 105_051))
        }
        for cohort in layout.cohorts {
            vector[cohort.firstPosition + Int(generator.next() % UInt64(cohort.options))] = 1
        }
        return vector
    }

    /// One way of breaking the rules, applied to a valid contribution.
    enum Attack: String, CaseIterable, CustomStringConvertible {
        case presenceTwo, presenceTwoToThe63, valueWithoutPresence, aboveMaximum, belowMinimum, negativeCount
        case int64Minimum, int64Maximum, twoCohortOptions, noCohortOption, cohortIndicatorTwo, cohortTwoAndMinusOne
        case requiredCellEmpty, zeroTogetherBroken, notGreaterThanBroken

        var description: String { rawValue }

        func apply(to vector: inout [UInt64]) {
            let n = layout.cellCount, sector = layout.cohorts[0].firstPosition
            func set(_ cell: Int, _ value: Int64, present: UInt64 = 1) {
                vector[cell] = Ring64.element(value)
                vector[n + cell] = present
            }
            // A filled, consistent position 0 to start from: 2 people, 100,000, bonus 10,000.
            set(employees, 2)
            set(salaries, 100_000)
            set(bonus, 10_000)
            switch self {
            case .presenceTwo: vector[n + employees] = 2
            case .presenceTwoToThe63: vector[n + salaries] = 1 << 63
            case .valueWithoutPresence: set(change, 700, present: 0)
            case .aboveMaximum: set(employees, 100_001)
            case .belowMinimum: set(change, -5051)
            case .negativeCount: set(employees, -1)
            case .int64Minimum: set(salaries, .min)
            case .int64Maximum: set(salaries, .max)
            case .twoCohortOptions:
                for k in 0..<3 { vector[sector + k] = k < 2 ? 1 : 0 }
            case .noCohortOption:
                for k in 0..<3 { vector[sector + k] = 0 }
            case .cohortIndicatorTwo:
                for k in 0..<3 { vector[sector + k] = k == 0 ? 2 : 0 }
            case .cohortTwoAndMinusOne:
                for k in 0..<3 { vector[sector + k] = [2, UInt64.max, 0][k] }
            case .requiredCellEmpty:
                set(employees, 0, present: 0)
                set(salaries, 0)
                set(bonus, 0, present: 0)
            case .zeroTogetherBroken: set(employees, 0)
            case .notGreaterThanBroken: set(bonus, 100_001)
            }
        }
    }

    static func attacked(_ attack: Attack, seed: UInt64) -> [UInt64] {
        var generator = SplitMix64(seed: seed)
        var vector = valid(using: &generator)
        attack.apply(to: &vector)
        return vector
    }

    /// Additive shares of the vectors, one array per party, as they arrive through the service.
    static func shares(_ vectors: [[UInt64]], seed: UInt64) -> [[UInt64]] {
        let flat = vectors.flatMap { $0 }
        var generator = SplitMix64(seed: seed)
        let s0 = flat.map { _ in generator.next() }, s1 = flat.map { _ in generator.next() }
        return [s0, s1, (0..<flat.count).map { flat[$0] &- s0[$0] &- s1[$0] }]
    }

    /// The validity bits the three parties compute, opened for the test.
    static func validity(_ vectors: [[UInt64]], definition: StudyDefinition = definition, batchSize: Int = 1024) async throws -> [Bool] {
        let shares = shares(vectors, seed: 5)
        let opened = try await InProcessCluster.run { party in
            let contributions = try await party.fromAdditiveShares(shares[party.index.rawValue])
            let valid = try await ContributionValidation(definition: definition, batchSize: batchSize)
                .run(on: party, contributions: contributions)
            return try await party.reveal(valid)
        }
        #expect(opened[0] == opened[1] && opened[1] == opened[2])
        return opened[0]
    }

    // MARK: The cleartext reference

    @Test("the reference accepts what the cleartext validation accepts, and reads the definition's bounds")
    func referenceOnHonestVectors() throws {
        let validation = ContributionValidation(definition: Self.definition)
        var generator = SplitMix64(seed: 1)
        for _ in 0..<200 { #expect(validation.reference(vector: Self.valid(using: &generator))) }
        // Integer kinds from 0; count maximum 100000; number −50.50…1000.00 scaled by 100.
        #expect(validation.bounds[Self.employees] == .init(lower: 0, upper: 100_000))
        #expect(validation.bounds[Self.salaries] == .init(lower: 0, upper: StudyDefinition.largestMagnitude))
        #expect(validation.bounds[Self.change] == .init(lower: -5050, upper: 100_000))
        #expect(validation.required == [0, 1, 2, 3])
        // A submission read by the definition itself passes.
        var tables = Self.definition.emptySubmission()
        for (id, value) in [("employees", "3"), ("salaries", "150000"), ("bonus", "1000"), ("change", "-50.50")] {
            for row in 0..<2 { for column in 0..<2 { tables[id, row, column] = value } }
        }
        tables.cohorts = ["sector": "Company", "size": "Large"]
        #expect(validation.reference(vector: try Self.definition.cellVector(for: tables)))
    }

    @Test("the reference refuses each attack", arguments: Attack.allCases)
    func referenceRefuses(_ attack: Attack) {
        #expect(!ContributionValidation(definition: Self.definition).reference(vector: Self.attacked(attack, seed: 3)))
    }

    @Test("decimal bounds are the values the cleartext validation accepts")
    func decimalBounds() {
        let bounds = ContributionValidation.bounds(.init(minimum: 0.1, maximum: 0.3, decimalPlaces: 1))
        #expect(bounds == .init(lower: 1, upper: 3))
        let negative = ContributionValidation.bounds(.init(minimum: -1e15, maximum: -0.005, decimalPlaces: 3))
        #expect(negative == .init(lower: -StudyDefinition.largestMagnitude, upper: -5))
        #expect(ContributionValidation.bounds(.init(minimum: 0.15, maximum: 0.17, decimalPlaces: 1)).isEmpty)
    }

    // MARK: On the shares

    @Test("the parties' validity bits equal the reference on honest and crafted contributions", arguments: [0, 1, 63, 64, 65])
    func validityBits(contributors: Int) async throws {
        var generator = SplitMix64(seed: UInt64(contributors))
        let attacks = Attack.allCases
        let vectors = (0..<contributors).map { k -> [UInt64] in
            // Every third contribution is crafted, cycling through the attacks.
            k % 3 == 2 ? Self.attacked(attacks[(k / 3) % attacks.count], seed: UInt64(k)) : Self.valid(using: &generator)
        }
        let validation = ContributionValidation(definition: Self.definition)
        let bits = try await Self.validity(vectors)
        #expect(bits == vectors.map(validation.reference(vector:)))
        #expect(bits.count == contributors)
        #expect(bits.enumerated().allSatisfy { $0.element == ($0.offset % 3 != 2) })
    }

    @Test("batches of 64 give the bits one batch gives", arguments: [64, 129])
    func batches(contributors: Int) async throws {
        var generator = SplitMix64(seed: 70)
        let vectors = (0..<contributors).map { k -> [UInt64] in
            k % 5 == 1 ? Self.attacked(Attack.allCases[k % Attack.allCases.count], seed: UInt64(k)) : Self.valid(using: &generator)
        }
        let expected = vectors.map(ContributionValidation(definition: Self.definition).reference(vector:))
        #expect(try await Self.validity(vectors, batchSize: 64) == expected)
    }

    @Test("a range with no room for a value forces the cell to stay empty")
    func emptyRange() async throws {
        var definition = Self.definition
        definition.tables[3].validation = .init(minimum: 0.15, maximum: 0.17, decimalPlaces: 1)
        var generator = SplitMix64(seed: 8)
        var filled = Self.valid(using: &generator), empty = filled
        let n = Self.layout.cellCount
        for cell in Self.change..<(Self.change + 4) {
            (filled[cell], filled[n + cell]) = (2, 1)
            (empty[cell], empty[n + cell]) = (0, 0)
        }
        #expect(try await Self.validity([filled, empty], definition: definition) == [false, true])
    }

    // MARK: Left out of the statistics

    @Test("a crafted contribution is left out of every statistic and counted, to the recipient only", arguments: Attack.allCases)
    func leftOutOfStatistics(_ attack: Attack) async throws {
        var generator = SplitMix64(seed: 21)
        let honest = (0..<6).map { _ in Self.valid(using: &generator) }
        let crafted = Self.attacked(attack, seed: 22)
        let computation = StudyComputation(definition: Self.definition)
        let shares = Self.shares(honest + [crafted], seed: 23)
        let outcomes = try await InProcessCluster.run { party in
            let contributions = try await party.fromAdditiveShares(shares[party.index.rawValue])
            return try await computation.run(on: party, contributions: contributions, recipient: .two)
        }
        #expect(outcomes[0] == nil && outcomes[1] == nil)
        let results = try #require(outcomes[2])
        #expect(results.leftOut == 1)
        var expected = computation.reference(vectors: honest)
        expected.leftOut = 1
        #expect(results == expected)
        #expect(computation.reference(vectors: honest + [crafted]) == expected)
    }

    /// Issue 10's attack: one honest contributor and one envelope with every value 0 and every
    /// presence bit 2 made every count 3, the minimum cell size, so the honest contributor's exact
    /// numbers were released.
    @Test("presence bits of 2 do not defeat small-cell suppression")
    func suppressionAttack() async throws {
        let definition = StudyComputationTests.quickstart
        let honest = try definition.cellVector(for: StudyComputationTests.contributors(1, seed: 4)[0])
        let layout = definition.cellLayout
        var crafted = [UInt64](repeating: 0, count: layout.vectorLength)
        for cell in 0..<layout.cellCount { crafted[layout.presencePosition(ofCell: cell)] = 2 }
        crafted[layout.cohorts[0].firstPosition] = 1
        let shares = Self.shares([honest, crafted], seed: 31)
        let outcomes = try await InProcessCluster.run { party in
            let contributions = try await party.fromAdditiveShares(shares[party.index.rawValue])
            return try await StudyComputation(definition: definition).run(on: party, contributions: contributions, recipient: .one)
        }
        let results = try #require(outcomes[1])
        #expect(results.cells.allSatisfy { $0.suppressed && $0.sum == nil && $0.contributors == nil })
        #expect(results.leftOut == 1)
    }

    @Test("the analyst's files say how many contributions were left out, and the JSON reads back")
    func reported() throws {
        var results = ResultsReportTests.results
        results.leftOut = 2
        let report = ResultsReport(definition: ResultsReportTests.definition, results: results, computedAt: Date(), contributors: 9)
        #expect(report.leftOut == 2)
        let sentence = "2 contributions did not follow the study's rules and were left out; nobody learns which."
        #expect(report.plainText().contains(sentence))
        #expect(report.html().contains(ResultsReport.escapeHTML(sentence)))
        #expect(String(decoding: report.jsonData(), as: UTF8.self).contains("\"leftOut\": 2"))
        let folder = ResultsReportTests.temporaryFolder()
        defer { ResultsReportTests.remove(folder) }
        try report.write(to: folder)
        #expect(try ResultsReport.load(from: folder) == report)
        // Two parties check nothing: no sentence, no count.
        let unchecked = ResultsReport(definition: ResultsReportTests.definition, results: ResultsReportTests.results, computedAt: Date(), contributors: 9)
        #expect(unchecked.leftOut == nil && unchecked.leftOutSentence == nil)
    }

    @Test("with no contributors nothing is left out")
    func noContributors() async throws {
        let outcomes = try await InProcessCluster.run { party in
            try await StudyComputation(definition: Self.definition).run(
                on: party, contributions: .zeros(count: 0, party: party.index), recipient: .zero)
        }
        #expect(outcomes[0]?.leftOut == 0)
        #expect(try await Self.validity([]) == [])
    }
}
