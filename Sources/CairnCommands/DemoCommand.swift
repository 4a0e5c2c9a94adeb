import ArgumentParser
import CairnMPC
import Foundation

/// `cairn demo`: a small study of secret inputs, computed by three parties in this process.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a small study: three compute parties compute on secret inputs.",
        discussion: """
            Eight employers each hold a secret number (their median salary). Each splits it into \
            three random-looking shares, one per compute party. The parties compute the total, the \
            mean, how many are at or above a threshold, and the sorted list, and reveal only those. \
            All three parties run in this process; `cairn party` runs each on its own machine.
            """)

    @Option(help: "Count the values at or above this threshold.")
    var threshold: Int64 = 60_000

    func run() async throws {
        var study = Demonstration.example
        study.threshold = threshold
        print("Cairn demonstration: three compute parties, \(study.contributions.count) contributors.\n")
        print("Each contributor splits its secret value into three shares that add up to it (mod 2^64)")
        print("and gives one share to each party. No party ever sees a value; for example, party 1")
        print("receives these shares, which look like random numbers:")
        for contribution in study.contributions.prefix(3) {
            let share = Demonstration.additiveShares(of: [UInt64(bitPattern: contribution.value)])[0][0]
            print("  \(contribution.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(share)")
        }
        print("  …\n")
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = try await study.run()
        let elapsed = clock.now - start
        print("Revealed to all three parties (computed in \(elapsed.formatted(.units(allowed: [.milliseconds])))):")
        let rows = [
            ("total of the values", "\(outcome.total)"),
            ("mean", String(format: "%.0f (fixed-point division inside MPC: within 0.01%%)", outcome.mean)),
            ("values at or above \(study.threshold)", "\(outcome.atLeastThreshold)"),
            ("values in ascending order", outcome.sorted.map(String.init).joined(separator: ", ")),
        ]
        let width = rows.map(\.0.count).max()! + 2
        for (label, value) in rows { print("  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + value) }
        print("\nThe sorted list shows the values but not who contributed which: the parties shuffled")
        print("the shared values obliviously before sorting them.")
        let values = study.contributions.map(\.value)
        let expectedMean = Double(values.reduce(0, +)) / Double(values.count)
        let correct = outcome.total == values.reduce(0, +) && outcome.sorted == values.sorted()
            && outcome.atLeastThreshold == values.filter { $0 >= study.threshold }.count
            && abs(outcome.mean - expectedMean) <= 1e-4 * abs(expectedMean) + 1e-3
        print(correct ? "\nChecked against the cleartext: all results match." : "\nMISMATCH with the cleartext computation.")
        if !correct { throw ExitCode.failure }
    }
}
