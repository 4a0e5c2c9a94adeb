/// Runs the three parties of a computation as concurrent tasks in this process, connected by an
/// ``InProcessNetwork``. For tests, demonstrations and single-process benchmarks.
public enum InProcessCluster {
    /// Runs `body` once per party and returns the three results, indexed by party.
    ///
    /// If one party throws, the others' pending receives fail with
    /// ``MPCError/peerUnavailable(_:reason:)`` naming it, and the first error is rethrown.
    ///
    /// `keys` chooses where the session keys come from; tests that must be reproducible pass
    /// ``SessionKeys/insecureDeterministic(seed:)``.
    public static func run<Result: Sendable>(
        keys: SessionKeys = .fresh,
        _ body: @escaping @Sendable (Party) async throws -> Result
    ) async throws -> [Result] {
        let network = InProcessNetwork()
        return try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            for index in PartyIndex.all {
                group.addTask {
                    do {
                        let party = try await Party.connect(over: network.transport(for: index), keys: keys)
                        return (index.rawValue, try await body(party))
                    } catch {
                        network.abort(by: index, reason: "it stopped with an error")
                        throw error
                    }
                }
            }
            var results = [Result?](repeating: nil, count: PartyIndex.count)
            for try await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
    }
}
