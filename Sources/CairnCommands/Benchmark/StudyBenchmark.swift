import CairnAnalytics
import CairnArithmetic
import CairnMPC
import CairnStudy
import Foundation

/// `cairn bench study`: the time from a closed study's shares to the analyst's results.
enum StudyBenchmark {
    /// Random but valid contributions to `definition`: every cell filled (values 0…999), a random
    /// option for each cohort.
    static func contributions(_ definition: StudyDefinition, count: Int, seed: UInt64) throws -> [UInt64] {
        var generator = SplitMix64(seed: seed)
        let layout = definition.cellLayout
        var vectors: [UInt64] = []
        vectors.reserveCapacity(count * layout.vectorLength)
        for _ in 0..<count {
            var vector = [UInt64](repeating: 0, count: layout.vectorLength)
            for c in 0..<layout.cellCount {
                vector[layout.valuePosition(ofCell: c)] = generator.next() % 1000
                vector[layout.presencePosition(ofCell: c)] = 1
            }
            for cohort in layout.cohorts where cohort.options > 0 {
                vector[cohort.firstPosition + Int(generator.next() % UInt64(cohort.options))] = 1
            }
            vectors += vector
        }
        return vectors
    }

    /// The three parties' additive shares of `count` random contributions (public benchmark
    /// data, derived from `seed`, so that separate party processes agree on it).
    static func shares(_ definition: StudyDefinition, contributors count: Int, seed: UInt64) throws -> [[UInt64]] {
        let vectors = try contributions(definition, count: count, seed: seed)
        var generator = SplitMix64(seed: seed &+ 1)
        let s0 = vectors.map { _ in generator.next() }, s1 = vectors.map { _ in generator.next() }
        return [s0, s1, (0..<vectors.count).map { vectors[$0] &- s0[$0] &- s1[$0] }]
    }

    /// Times the computation on one party, from its additive shares to the recipient's results;
    /// all three parties call this together (timed as ``MPCBenchmark/timed(on:_:)`` does).
    static func measureCompute(_ definition: StudyDefinition, share: [UInt64], on party: Party) async throws -> Double {
        try await MPCBenchmark.timed(on: party) {
            let contributions = try await party.fromAdditiveShares(share)
            _ = try await StudyComputation(definition: definition).run(on: party, contributions: contributions, recipient: .one)
        }
    }

    /// Times the computation with three parties in this process.
    static func measureCompute(_ definition: StudyDefinition, contributors: Int) async throws -> Double {
        let shares = try shares(definition, contributors: contributors, seed: 7)
        return try await InProcessCluster.run { party in
            try await measureCompute(definition, share: shares[party.index.rawValue], on: party)
        }.max()!
    }

    /// One result line.
    static func line(cells: Int, contributors: Int, seconds: Double, transport: String, json: Bool) -> String {
        json
            ? #"{"cells":\#(cells),"contributors":\#(contributors),"op":"compute","parties":3,"seconds":\#(seconds),"transport":"\#(transport)"}"#
            : "compute  \(contributors) contributors, \(cells) cells: \(String(format: "%.2f", seconds)) s (3 parties, \(transport))"
    }
}
