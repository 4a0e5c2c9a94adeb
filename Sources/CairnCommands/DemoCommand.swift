import ArgumentParser
import CairnMPC
import CairnStudy
import Foundation

/// `cairn demo`: a whole study on this machine.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a whole study on this machine: service, three compute parties, simulated contributors.",
        discussion: """
            Starts the study service and, later, three compute parties as separate processes on \
            this machine's loopback interface, with fresh keys. Simulated employers submit their \
            tables through the service's HTTP API, each encrypted to the three parties (some \
            submit twice; the latest counts). The analyst closes the study, the parties compute \
            the statistics together, and only the analyst's party learns them: it writes \
            results.json, results.csv and report.html. Everything goes into --folder, which is \
            emptied first. --engine-only instead shows the MPC engine alone, in one process.
            """)

    @Option(help: "The study definition.")
    var definition: String = "examples/pay-equity.json"

    @Option(help: "How many simulated contributors submit.")
    var contributors: Int = 300

    @Option(help: "How many of them submit a second time.")
    var resubmitting: Int = 40

    @Option(help: "The folder for the service's data, the parties' keys and the results (emptied first).")
    var folder: String = "cairn-demo"

    @Flag(help: "Show only the MPC engine: eight secret values, three parties in this process.")
    var engineOnly = false

    @Option(help: "--engine-only: count the values at or above this threshold.")
    var threshold: Int64 = 60_000

    func validate() throws {
        guard (1...100_000).contains(contributors) else { throw ValidationError("--contributors must be from 1 to 100000") }
        guard (0...contributors).contains(resubmitting) else {
            throw ValidationError("--resubmitting must be from 0 to the number of contributors")
        }
    }

    func run() async throws {
        if engineOnly { return try await runEngine() }
        let template = try StudyDefinition.load(from: StudyExamples.resolve(definition))
        let folderURL = URL(fileURLWithPath: folder)
        try? FileManager.default.removeItem(at: folderURL)
        print("Cairn demo: \(template.title)\n")
        let rehearsal = StudyRehearsal(
            template: template, contributors: contributors, resubmitting: resubmitting, folder: folderURL,
            say: { print("- " + $0) })
        let outcome = try await rehearsal.run()
        print("")
        DemoSummary.print(outcome, resultsFolder: outcome.resultsFolder.path)
        guard outcome.results == outcome.expected else {
            print("MISMATCH: the revealed results differ from a cleartext computation over the latest submissions.")
            throw ExitCode.failure
        }
        print("Checked against a cleartext computation over the latest submissions: every result matches.")
        print("The analyst's report: \(outcome.resultsFolder.appendingPathComponent("report.html").path)")
    }

    func runEngine() async throws {
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
