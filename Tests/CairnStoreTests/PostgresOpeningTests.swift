import CairnStore
import Testing

/// Opening a PostgreSQL store with a bad URL or no server fails at once, in plain words, and
/// never repeats the password. Needs no server.
@Suite("PostgreSQL store: opening")
struct PostgresOpeningTests {
    @Test(arguments: [
        "mysql://cairn:secret-pw@127.0.0.1/db", "postgres://127.0.0.1/db", "not a url at all",
        "postgres://cairn:secret-pw@127.0.0.1/db?sslmode=sometimes",
    ])
    func badURL(_ url: String) async throws {
        let error = await #expect(throws: StoreError.self) { try await PostgresStudyStore(url: url) }
        guard case .invalidArgument = error else {
            Issue.record("expected an invalid argument, got \(String(describing: error))")
            return
        }
        #expect(error?.description.contains("secret-pw") == false)
    }

    @Test func noServer() async throws {
        // Port 1 on the loopback interface: nothing listens there, the connection is refused.
        let error = await #expect(throws: StoreError.self) {
            try await PostgresStudyStore(url: "postgres://cairn:secret-pw@127.0.0.1:1/cairn_test?sslmode=disable")
        }
        guard case .unavailable = error else {
            Issue.record("expected the store to be unavailable, got \(String(describing: error))")
            return
        }
        #expect(error?.description.contains("secret-pw") == false)
    }
}
