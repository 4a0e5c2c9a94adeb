import ArgumentParser
import CairnNetwork
import CairnStudy
import Foundation

/// `cairn bench`: measurements of Cairn's building blocks.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of Cairn's protocols.",
        subcommands: [MPCBenchCommand.self, StudyBenchCommand.self])
}

/// `cairn bench study`: a study's computation at scale.
struct StudyBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Measure submission ingest and the time from a closed study to the analyst's results.",
        discussion: """
            For each number of contributors: starts the study service (SQLite) and measures how \
            many encrypted submissions per second it ingests over HTTP (the envelopes are sealed \
            beforehand); then closes the study and measures the time until the analyst's party \
            has the results, with three `cairn compute` processes on loopback that fetch, decrypt \
            and compute (start-up included). With --engine-only, measures only the computation \
            on random shares, with --transport inprocess or tcp. One JSON object per line with --json.
            """)

    @Flag(help: "Measure only the computation on random shares, without the service or encryption.")
    var engineOnly = false

    @Option(help: "The study definition (JSON).")
    var definition: String = "examples/pay-equity.json"

    @Option(help: "Numbers of contributors, comma-separated.")
    var contributors: String = "1000,10000"

    @Option(help: "How the parties talk: inprocess, or tcp (three `cairn party` processes on loopback).")
    var transport: MPCBenchCommand.TransportKind = .inprocess

    @Flag(help: "Print one JSON object per line.")
    var json = false

    static func counts(_ text: String) throws -> [Int] {
        let counts = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--contributors takes positive whole numbers separated by commas")
        }
        return counts
    }

    func run() async throws {
        let study = try StudyDefinition.load(from: StudyExamples.resolve(definition))
        let counts = try Self.counts(contributors)
        guard engineOnly else {
            for count in counts {
                for line in try await StudyBenchmark.throughService(study, contributors: count, json: json) { print(line) }
            }
            return
        }
        switch transport {
        case .inprocess:
            for count in counts {
                let seconds = try await StudyBenchmark.measureCompute(study, contributors: count)
                print(StudyBenchmark.line(cells: study.cellCount, contributors: count, seconds: seconds, transport: "inprocess", json: json))
            }
        case .tcp:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bench-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let deployment = try LocalDeployment.create(in: folder, receiveTimeoutSeconds: 300)
            let path = URL(fileURLWithPath: StudyExamples.resolve(definition)).standardizedFileURL.path
            let arguments = ["--job", "study", "--definition", path, "--contributors", contributors] + (json ? ["--json"] : [])
            let outputs = try PartyProcesses.run(configurations: deployment.configurationPaths, arguments: arguments)
            print(outputs[0], terminator: "")
        }
    }
}

/// Options shared by `cairn bench mpc` and `cairn party --job bench`.
struct BenchmarkOptions: ParsableArguments {
    @Flag(help: "Print one JSON object per line instead of a table.")
    var json = false

    @Option(help: "Only these operations (comma-separated: mul, lt, eq, fxmul, shuffle, sort).")
    var ops: String?

    @Option(help: "Scale every input size by this factor (e.g. 0.01 for a quick check).")
    var scale: Double = 1

    @Option(help: "Run each measurement this many times and report the median.")
    var repetitions: Int = 3

    func validate() throws {
        guard repetitions > 0 else { throw ValidationError("--repetitions must be at least 1") }
        guard scale > 0, scale <= 10 else { throw ValidationError("--scale must be in (0, 10]") }
        _ = try selectedCases()
    }

    func selectedCases() throws -> [BenchmarkCase] {
        let wanted = ops.map { Set($0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }) }
        let cases = BenchmarkCase.standard(scale: scale).filter { wanted?.contains($0.op) ?? true }
        if cases.isEmpty {
            throw ValidationError("no benchmark matches --ops \(ops ?? ""); choose from mul, lt, eq, fxmul, shuffle, sort")
        }
        return cases
    }

    /// The command-line arguments that reproduce these options in another process.
    var arguments: [String] {
        (json ? ["--json"] : []) + (ops.map { ["--ops", $0] } ?? []) + ["--scale", "\(scale)", "--repetitions", "\(repetitions)"]
    }

    func header(transport: String) {
        if !json { print("op        n           seconds     per second   (3 parties, \(transport))") }
    }

    func emit(_ result: BenchmarkResult) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try! encoder.encode(result), as: UTF8.self))
        } else {
            var line = result.op.padding(toLength: 10, withPad: " ", startingAt: 0)
                + String(result.n).padding(toLength: 12, withPad: " ", startingAt: 0)
                + String(format: "%-12.3f%-13.3g", result.seconds, result.perSecond)
            if let bytes = result.bytesPerParty { line += String(format: "%.1f bytes/element/party", bytes) }
            print(line)
        }
        fflush(nil)  // all streams: progress lines arrive as they happen
    }
}

/// `cairn bench mpc`: throughput of the MPC engine's protocols.
struct MPCBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mpc",
        abstract: "Measure the throughput of the three-party protocols.",
        discussion: """
            Runs each protocol on random secret-shared vectors with three parties and prints the \
            wall-clock time and elements per second. With --transport inprocess the parties are \
            tasks in this process; with --transport tcp they are three `cairn party` processes \
            talking over mutual TLS on loopback (fresh keys in a temporary folder), or the parties \
            named by --configs. Build in release mode for meaningful figures: \
            swift run -c release cairn bench mpc
            """)

    enum TransportKind: String, ExpressibleByArgument, CaseIterable {
        case inprocess, tcp
    }

    @Option(help: "How the parties talk: inprocess or tcp.")
    var transport: TransportKind = .inprocess

    @Option(help: "tcp: the three parties' configuration files, comma-separated, instead of fresh local ones.")
    var configs: String?

    @OptionGroup var options: BenchmarkOptions

    func validate() throws {
        if configs != nil && transport != .tcp { throw ValidationError("--configs needs --transport tcp") }
        if let configs, configs.split(separator: ",").count != 3 {
            throw ValidationError("--configs takes three configuration files, one per party")
        }
    }

    func run() async throws {
        options.header(transport: transport.rawValue)
        switch transport {
        case .inprocess:
            for benchmark in try options.selectedCases() {
                options.emit(try await MPCBenchmark.run(benchmark, repetitions: options.repetitions))
            }
        case .tcp:
            let paths: [String]
            var temporary: URL?
            if let configs {
                paths = configs.split(separator: ",").map(String.init)
            } else {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bench-\(UUID().uuidString)")
                temporary = folder
                paths = try LocalDeployment.create(in: folder).configurationPaths
            }
            defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
            let arguments = ["--job", "bench"] + options.arguments.filter { $0 != "--json" } + ["--json"]
            let outputs = try PartyProcesses.run(configurations: paths, arguments: arguments)
            let decoder = JSONDecoder()
            for line in outputs[0].split(separator: "\n") where line.hasPrefix("{") {
                options.emit(try decoder.decode(BenchmarkResult.self, from: Data(line.utf8)))
            }
        }
    }
}
