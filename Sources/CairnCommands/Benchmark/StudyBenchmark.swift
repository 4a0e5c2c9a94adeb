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

    /// Times the computation with three parties in this process, from the contributors' additive
    /// shares (as the parties would hold them after decryption) to the recipient's results.
    static func measureCompute(_ definition: StudyDefinition, contributors: Int) async throws -> Double {
        let vectors = try contributions(definition, count: contributors, seed: 7)
        // Benchmark inputs are public random data; a fast generator keeps the set-up short.
        var generator = SplitMix64(seed: 8)
        let s0 = vectors.map { _ in generator.next() }, s1 = vectors.map { _ in generator.next() }
        let shares = [s0, s1, (0..<vectors.count).map { vectors[$0] &- s0[$0] &- s1[$0] }]
        let clock = ContinuousClock()
        let start = clock.now
        let results = try await InProcessCluster.run { party in
            let contributions = try await party.fromAdditiveShares(shares[party.index.rawValue])
            return try await StudyComputation(definition: definition).run(on: party, contributions: contributions, recipient: .one)
        }
        guard results[1] != nil else { throw CancellationError() }
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
