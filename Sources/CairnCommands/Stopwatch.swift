import Foundation

/// Wall-clock timing for benchmarks and progress lines.
enum Stopwatch {
    /// Seconds since `start`.
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// "1.23 s" since `start`.
    static func text(since start: ContinuousClock.Instant) -> String {
        String(format: "%.2f s", seconds(since: start))
    }

    /// Seconds that `body` takes.
    static func time(_ body: () async throws -> Void) async rethrows -> Double {
        let start = ContinuousClock.now
        try await body()
        return seconds(since: start)
    }
}
