import CairnArithmetic
import CairnMPC

/// A small study run by three compute parties in this process: contributors' secret numbers go in
/// as additive shares, and only the declared results come out.
public struct Demonstration: Sendable {
    /// One contributor's secret input.
    public struct Contribution: Sendable, Equatable {
        public var name: String
        public var value: Int64
        public init(name: String, value: Int64) {
            self.name = name
            self.value = value
        }
    }

    /// What the parties revealed.
    public struct Outcome: Sendable, Equatable {
        /// The sum of all values.
        public var total: Int64
        /// The mean, computed by fixed-point division inside MPC.
        public var mean: Double
        /// How many values are at least the threshold.
        public var atLeastThreshold: Int
        /// The values in ascending order, with no link to who contributed them.
        public var sorted: [Int64]
    }

    public var contributions: [Contribution]
    public var threshold: Int64

    public init(contributions: [Contribution], threshold: Int64) {
        self.contributions = contributions
        self.threshold = threshold
    }

    /// Eight employers' median annual salaries, in dollars.
    public static let example = Demonstration(
        contributions: [
            .init(name: "Harbor Logistics", value: 58_200), .init(name: "Beacon Health", value: 71_500),
            .init(name: "Commonwealth Bank", value: 84_900), .init(name: "North End Bakery", value: 39_800),
            .init(name: "Fenway Robotics", value: 96_300), .init(name: "Back Bay Legal", value: 77_100),
            .init(name: "Charles River Labs", value: 66_400), .init(name: "Dorchester Schools", value: 52_700),
        ],
        threshold: 60_000)

    /// The additive shares each contributor sends: one vector per party, summing to the values.
    ///
    /// Drawn from the system's cryptographically secure generator; each party sees only its own.
    static func additiveShares(of values: [UInt64]) -> [[UInt64]] {
        var generator = SystemRandomNumberGenerator()
        let first = values.map { _ in generator.next() as UInt64 }
        let second = values.map { _ in generator.next() as UInt64 }
        let third = (0..<values.count).map { values[$0] &- first[$0] &- second[$0] }
        return [first, second, third]
    }

    /// Runs the study with three parties and returns what every party agreed was revealed.
    ///
    /// `keys` is for tests: secret division fails with a small probability (about 10⁻⁴ for this
    /// study's quotient), and fixed test keys make a test's outcome the same on every run.
    public func run(keys: SessionKeys = .fresh) async throws -> Outcome {
        let values = contributions.map { Ring64.element($0.value) }
        let shares = Self.additiveShares(of: values)
        let threshold = self.threshold
        let format = FixedPointFormat.default
        let outcomes = try await InProcessCluster.run(keys: keys) { party -> Outcome in
            let x = try await party.fromAdditiveShares(shares[party.index.rawValue])
            let total = x.sum()
            let count = ArithmeticShared.public([UInt64(x.count) << UInt64(format.fractionalBits)], party: party.index)
            let mean = try await party.divide(total * format.one, by: count, format: format)
            let atLeast = try await party.arithmetic(try await party.greaterThanOrEqual(x, threshold)).sum()
            let sorted = try await party.sort(keys: x, payload: []).keys
            let revealed = try await party.reveal(.concatenating([total, mean, atLeast, sorted]))
            return Outcome(
                total: Ring64.signed(revealed[0]), mean: format.decode(revealed[1]),
                atLeastThreshold: Int(revealed[2]), sorted: Ring64.signed(Array(revealed[3...])))
        }
        return outcomes[0]
    }
}
