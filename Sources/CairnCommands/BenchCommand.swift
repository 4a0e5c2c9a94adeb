import ArgumentParser
import Foundation

/// `cairn bench`: measurements of Cairn's building blocks.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of Cairn's protocols.",
        subcommands: [MPCBenchCommand.self])
}

/// `cairn bench mpc`: throughput of the MPC engine's protocols.
struct MPCBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mpc",
        abstract: "Measure the throughput of the three-party protocols.",
        discussion: """
            Runs each protocol once on random secret-shared vectors with three parties and prints \
            the wall-clock time and elements per second. Build in release mode for meaningful \
            figures: swift run -c release cairn bench mpc
            """)

    @Flag(help: "Print one JSON object per line instead of a table.")
    var json = false

    @Option(help: "How the parties talk: inprocess.")
    var transport: String = "inprocess"

    @Option(help: "Only these operations (comma-separated: mul, lt, eq, fxmul, shuffle, sort).")
    var ops: String?

    @Option(help: "Scale every input size by this factor (e.g. 0.01 for a quick check).")
    var scale: Double = 1

    @Option(help: "Run each measurement this many times and report the median.")
    var repetitions: Int = 3

    func validate() throws {
        guard repetitions > 0 else { throw ValidationError("--repetitions must be at least 1") }
        guard transport == "inprocess" else {
            throw ValidationError("unknown transport '\(transport)': only 'inprocess' is available in this build")
        }
        guard scale > 0, scale <= 10 else { throw ValidationError("--scale must be in (0, 10]") }
    }

    func run() async throws {
        let wanted = ops.map { Set($0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }) }
        let cases = BenchmarkCase.standard(scale: scale).filter { wanted?.contains($0.op) ?? true }
        if cases.isEmpty { throw ValidationError("no benchmark matches --ops \(ops ?? "")") }
        if !json {
            print("op        n           seconds     per second   (3 parties, \(transport))")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for benchmark in cases {
            let result = try await MPCBenchmark.run(benchmark, repetitions: repetitions)
            if json {
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                print(
                    benchmark.op.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + String(result.n).padding(toLength: 12, withPad: " ", startingAt: 0)
                        + String(format: "%-12.3f%.3g", result.seconds, result.perSecond))
            }
        }
    }
}
