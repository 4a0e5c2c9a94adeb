import ArgumentParser
import CairnMPC
import CairnNetwork
import CairnStudy
import Foundation

/// `cairn party`: one compute party, connected to the other two over mutual TLS.
struct PartyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "party",
        abstract: "Run one compute party from its configuration file.",
        discussion: """
            Connects to the other two parties (retrying while they start), with certificates \
            pinned in the configuration, then runs a job. The default job, check, computes a \
            product, a comparison and a sort of public test inputs and checks the results against \
            the cleartext: a quick way to prove a three-host deployment works. The bench job runs \
            the protocol benchmarks of `cairn bench mpc` over the network.
            """)

    enum Job: String, ExpressibleByArgument, CaseIterable {
        case check, bench, study
    }

    @Option(help: "The party's configuration file (JSON).")
    var config: String

    @Option(help: "What to compute: check, bench (protocol benchmarks) or study (a study benchmark).")
    var job: Job = .check

    @Option(help: "check: the number of elements.")
    var n: Int = 1000

    @Option(help: "check: the seed of the public test inputs (all parties must use the same).")
    var seed: UInt64 = 1

    @Option(help: "study: the study definition (JSON).")
    var definition: String = "examples/pay-equity.json"

    @Option(help: "study: numbers of random contributors, comma-separated.")
    var contributors: String = "1000"

    @OptionGroup var options: BenchmarkOptions

    func validate() throws {
        guard n >= 0, n <= 10_000_000 else { throw ValidationError("--n must be between 0 and 10000000") }
        try options.validate()
    }

    func run() async throws {
        let configuration = try PartyConfiguration.load(from: config)
        let me = configuration.party
        let peers = configuration.peers.map { "\($0.party) at \($0.host):\($0.port)" }.joined(separator: " and ")
        Log.info("\(me): listening on \(configuration.listenHost):\(configuration.listenPort), connecting to \(peers)")
        let network = try await PartyNetwork.connect(configuration)
        Log.info("\(me): connected to both peers")
        do {
            switch job {
            case .check: try await check(network)
            case .bench: try await bench(network, me: me)
            case .study: try await study(network, me: me)
            }
        } catch {
            await network.abort(because: error)
            try? await network.close()
            throw error
        }
        try await network.close()
    }

    private func check(_ network: PartyNetwork) async throws {
        let job = CheckJob(n: n, seed: seed)
        let party = try await Party.connect(over: network.transport(session: 1))
        let outcome = try await job.run(on: party) { Log.info("\(party.index): check: \($0)") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(outcome), as: UTF8.self))
        guard outcome == job.expected(party: outcome.party) else {
            Log.info("\(party.index): check FAILED: the revealed results differ from the cleartext")
            throw ExitCode.failure
        }
        Log.info("\(party.index): check passed: \(n) products, comparisons and a sort match the cleartext")
    }

    private func study(_ network: PartyNetwork, me: PartyIndex) async throws {
        let study = try StudyDefinition.load(from: StudyExamples.resolve(definition))
        for (k, count) in try StudyBenchCommand.counts(contributors).enumerated() {
            let shares = try StudyBenchmark.shares(study, contributors: count, seed: 7)
            let party = try await Party.connect(over: network.transport(session: UInt64(k + 1)))
            if me == .zero { Log.info("computing the study for \(count) contributors") }
            let seconds = try await StudyBenchmark.measureCompute(study, share: shares[me.rawValue], on: party)
            if me == .zero {
                print(StudyBenchmark.line(cells: study.cellCount, contributors: count, seconds: seconds, transport: "tcp", json: options.json))
            }
        }
    }

    private func bench(_ network: PartyNetwork, me: PartyIndex) async throws {
        for (k, benchmark) in try options.selectedCases().enumerated() {
            let party = try await Party.connect(over: network.transport(session: UInt64(k + 1)))
            if me == .zero { Log.info("running \(benchmark.op) with n = \(benchmark.n)") }
            let (times, bytes) = try await MPCBenchmark.measure(
                benchmark, on: party, repetitions: options.repetitions,
                bytesSent: { network.bytesSent.values.reduce(0, +) })
            // Every party learns the largest byte count: each inputs its own, all reveal.
            var largest = 0
            for owner in PartyIndex.all {
                let shared: ArithmeticShared = try await party.share(party.index == owner ? [UInt64(bytes)] : nil, from: owner, count: 1)
                largest = max(largest, Int(try await party.reveal(shared)[0]))
            }
            if me == .zero {
                let perElement = Double(largest) / Double(times.count) / Double(max(benchmark.n, 1))
                options.emit(MPCBenchmark.result(benchmark, transport: "tcp", times: times, bytesPerParty: perElement))
            }
        }
    }
}

/// Operator-facing progress lines, on standard error so that standard output stays data.
enum Log {
    static func info(_ message: String) {
        FileHandle.standardError.write(Data("cairn: \(message)\n".utf8))
    }
}
