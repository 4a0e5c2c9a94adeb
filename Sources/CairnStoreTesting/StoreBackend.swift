import CairnStore
import Foundation

/// The store implementations a test suite runs against: SQLite always, PostgreSQL when
/// `CAIRN_TEST_POSTGRES_URL` is set. Shared by the store's and the service's tests.
public enum StoreBackend: String, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    /// Set to run the PostgreSQL cases, for example
    /// `CAIRN_TEST_POSTGRES_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn_test`.
    public static let postgresURL: String? = {
        let value = ProcessInfo.processInfo.environment["CAIRN_TEST_POSTGRES_URL"]
        return value?.isEmpty == false ? value : nil
    }()

    /// SQLite always; PostgreSQL when `CAIRN_TEST_POSTGRES_URL` is set.
    public static let available: [StoreBackend] = postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]

    public var description: String { self == .sqlite ? "SQLite" : "PostgreSQL" }

    /// Opens a fresh store (SQLite: a new temporary folder; PostgreSQL: the shared test database,
    /// in which every test uses its own study IDs), runs `body`, and closes the store.
    public func withStore<T>(_ body: (any StudyStore) async throws -> T) async throws -> T {
        let store: any StudyStore
        var folder: URL?
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("cairn-store-tests-\(UUID().uuidString)", isDirectory: true)
            folder = directory
            store = try SQLiteStudyStore(directory: directory)
        case .postgres:
            guard let url = Self.postgresURL else { throw StoreError.invalidArgument("CAIRN_TEST_POSTGRES_URL is not set") }
            store = try await PostgresStudyStore(url: url, maximumConnections: 4)
        }
        defer { if let folder { try? FileManager.default.removeItem(at: folder) } }
        do {
            let value = try await body(store)
            try await store.close()
            return value
        } catch {
            try? await store.close()
            throw error
        }
    }
}
