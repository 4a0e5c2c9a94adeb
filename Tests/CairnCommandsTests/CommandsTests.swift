import CairnMPC
import CairnStudy
import Foundation
import Testing
@testable import CairnCommands

@Suite("Command-line tool")
struct CommandsTests {
    @Test("the demonstration's revealed results match the cleartext")
    func demonstration() async throws {
        let study = Demonstration.example
        let outcome = try await study.run(keys: .insecureDeterministic(seed: 21))
        let values = study.contributions.map(\.value)
        #expect(outcome.total == values.reduce(0, +))
        #expect(outcome.sorted == values.sorted())
        #expect(outcome.atLeastThreshold == values.filter { $0 >= study.threshold }.count)
        // Division inside MPC is accurate to about 2^-13.4 relative (Party+Division.swift).
        let mean = Double(values.reduce(0, +)) / Double(values.count)
        #expect(abs(outcome.mean - mean) <= 1.5e-4 * abs(mean))
    }

    @Test("the demonstration copes with negative values, ties and a threshold equal to a value")
    func demonstrationEdges() async throws {
        let study = Demonstration(
            contributions: [-5, 0, 7, 7, Int64(1) << 40, -(Int64(1) << 40), 12].enumerated().map { .init(name: "c\($0)", value: $1) },
            threshold: 7)
        let outcome = try await study.run(keys: .insecureDeterministic(seed: 21))
        let values = study.contributions.map(\.value)
        #expect(outcome.sorted == values.sorted())
        #expect(outcome.atLeastThreshold == 4)
        #expect(outcome.total == values.reduce(0, +))
    }

    @Test("additive shares sum to the values and differ from them")
    func additiveShares() {
        let values: [UInt64] = [0, 1, 42, .max]
        let shares = Demonstration.additiveShares(of: values)
        #expect(shares.count == 3)
        for k in values.indices {
            #expect(shares[0][k] &+ shares[1][k] &+ shares[2][k] == values[k])
        }
        #expect(shares[0] != values && shares[1] != values)
    }

    @Test("benchmark results encode as the documented JSON line")
    func benchmarkJSON() async throws {
        let result = try await MPCBenchmark.run(.multiply(n: 1000), repetitions: 1)
        #expect(result.op == "mul" && result.n == 1000 && result.parties == 3 && result.transport == "inprocess")
        #expect(result.seconds > 0 && result.perSecond > 0)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let line = String(decoding: try encoder.encode(result), as: UTF8.self)
        #expect(line.hasPrefix("{\"n\":1000,\"op\":\"mul\",\"parties\":3,\"per_second\":"))
        #expect(line.contains("\"transport\":\"inprocess\""))
    }

    @Test("every standard benchmark case runs at a tiny scale", arguments: BenchmarkCase.standard(scale: 0.0001).map(\.op))
    func benchmarkCases(op: String) async throws {
        for benchmark in BenchmarkCase.standard(scale: 0.0001) where benchmark.op == op {
            let result = try await MPCBenchmark.run(benchmark, repetitions: 1)
            #expect(result.op == op && result.seconds > 0)
        }
    }

    @Test("bad flags are refused with a clear message")
    func badFlags() throws {
        #expect(throws: (any Error).self) { try CairnCommand.parseAsRoot(["bench", "mpc", "--transport", "carrier-pigeon"]) }
        #expect(throws: (any Error).self) { try CairnCommand.parseAsRoot(["bench", "mpc", "--repetitions", "0"]) }
        let message = CairnCommand.message(for: ValidationErrorProbe.transport)
        #expect(message.contains("carrier-pigeon"))
    }
}

/// Captures the validation message for an unknown transport.
enum ValidationErrorProbe {
    static var transport: any Error {
        do {
            _ = try CairnCommand.parseAsRoot(["bench", "mpc", "--transport", "carrier-pigeon"])
            return CancellationError()
        } catch { return error }
    }
}

@Suite("Process settings")
struct ProcessSettingsTests {
    #if canImport(Glibc)
    @Test("the allocator keeps freed memory for reuse on glibc")
    func allocatorTuned() {
        #expect(MemoryTuning.isApplied)
    }
    #endif
}

@Suite("Study benchmark")
struct StudyBenchmarkTests {
    @Test("random contributions are valid cell vectors and the computation completes")
    func smallStudy() async throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/quickstart.json").path
        let definition = try StudyDefinition.load(from: path)
        let vectors = try StudyBenchmark.contributions(definition, count: 4, seed: 1)
        let layout = definition.cellLayout
        #expect(vectors.count == 4 * layout.vectorLength)
        for r in 0..<4 {
            let vector = vectors[(r * layout.vectorLength)..<((r + 1) * layout.vectorLength)]
            #expect(vector.dropFirst(layout.cellCount).prefix(layout.cellCount).allSatisfy { $0 == 1 })
            #expect(vector.suffix(layout.cohortIndicatorCount).reduce(0, +) == UInt64(layout.cohorts.count))
        }
        #expect(try await StudyBenchmark.measureCompute(definition, contributors: 5) > 0)
    }
}
