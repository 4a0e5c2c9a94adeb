import Foundation

/// Work spread over concurrent tasks, for simulated contributors and benchmarks.
enum Concurrently {
    /// Calls `body` for every index in `0..<count`, at most `width` at a time.
    static func forEach(
        _ count: Int, width: Int, _ body: @escaping @Sendable (Int) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                let k = next
                next += 1
                group.addTask { try await body(k) }
            }
            while next < min(width, count) { add() }
            while try await group.next() != nil { if next < count { add() } }
        }
    }

    /// `transform` over `items` on every core, keeping the order.
    static func map<T: Sendable, U: Sendable>(
        _ items: [T], _ transform: @escaping @Sendable (T) throws -> U
    ) async throws -> [U] {
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunk = max(1, (items.count + workers - 1) / workers)
        return try await withThrowingTaskGroup(of: (Int, [U]).self) { group in
            for start in stride(from: 0, to: items.count, by: chunk) {
                let slice = Array(items[start..<min(start + chunk, items.count)])
                group.addTask { (start, try slice.map(transform)) }
            }
            var parts: [(Int, [U])] = []
            for try await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }
}
