import CairnNetwork
import Foundation
import Testing
@testable import CairnCommands

/// Real `cairn party` processes on loopback, with freshly generated keys.
@Suite("Compute parties as processes", .serialized)
struct PartyProcessTests {
    /// The `cairn` executable built next to this test bundle.
    static var cairn: String {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [folder, folder.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("cairn").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return URL(fileURLWithPath: ".build/debug/cairn").path
    }

    static func freshDeployment(receiveTimeout: Double = 30, connectTimeout: Double = 20) throws -> LocalDeployment {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-test-\(UUID().uuidString)")
        return try LocalDeployment.create(in: folder, receiveTimeoutSeconds: receiveTimeout, connectTimeoutSeconds: connectTimeout)
    }

    /// The error line a failed party printed.
    static func errorLine(_ url: URL) -> String {
        text(url).split(separator: "\n").first { $0.hasPrefix("Error:") }.map(String.init) ?? "(no error line)"
    }

    /// Starts one party; its output and errors go to files read after it exits.
    static func start(_ configuration: String, _ arguments: [String]) throws -> (Process, URL, URL) {
        try launch(
            ["party", "--config", configuration] + arguments,
            output: URL(fileURLWithPath: configuration).deletingPathExtension())
    }

    /// Starts `cairn` with `arguments`; its output and errors go to `output`.out and `output`.err.
    static func launch(_ arguments: [String], output base: URL) throws -> (Process, URL, URL) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cairn)
        process.arguments = arguments
        let out = base.appendingPathExtension("out"), err = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return (process, out, err)
    }

    static func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    @Test("three processes multiply, compare and sort; results equal the cleartext")
    func threeProcesses() throws {
        let deployment = try Self.freshDeployment()
        // Start in reverse order: connection set-up retries while peers come up.
        let parties = try deployment.configurationPaths.reversed().map { try Self.start($0, ["--n", "300", "--seed", "42"]) }.reversed()
        for (process, _, _) in parties { process.waitUntilExit() }
        let job = CheckJob(n: 300, seed: 42)
        let (a, b) = job.inputs()
        // The reference, computed here in the clear and independently of CheckJob.expected.
        let signed = zip(a.map { Int64(bitPattern: $0) }, b.map { Int64(bitPattern: $0) })
        let pairs = zip(a, b).sorted { (Int64(bitPattern: $0.0), $0.1) < (Int64(bitPattern: $1.0), $1.1) }
        for (k, (process, out, err)) in parties.enumerated() {
            #expect(process.terminationStatus == 0, "party \(k + 1): \(Self.text(err))")
            let outcome = try JSONDecoder().decode(CheckJob.Outcome.self, from: Data(Self.text(out).utf8))
            #expect(outcome.party == k + 1)
            #expect(outcome.products == zip(a, b).map(&*))
            #expect(outcome.lessThan == signed.map { $0 < $1 })
            #expect(outcome.sortedKeys == pairs.map(\.0))
            #expect(outcome.sortedPayload.sorted() == b.sorted())
            #expect(Set(zip(outcome.sortedKeys, outcome.sortedPayload).map { "\($0),\($1)" }) == Set(zip(a, b).map { "\($0),\($1)" }))
            #expect(Self.text(err).contains("check passed"))
        }
    }

    // The time limit only stops a hung process from hanging the suite; nothing is timed.
    @Test("when a party is killed mid-computation, the others stop with an error naming it", .timeLimit(.minutes(10)))
    func killedParty() throws {
        let deployment = try Self.freshDeployment(receiveTimeout: 10)
        // A large sort keeps the parties busy long enough to kill one in the middle.
        let paths = deployment.configurationPaths
        let parties = try paths.prefix(2).map { try Self.start($0, ["--n", "2000000"]) }
        let victimErrors = Pipe()
        let victim = try Self.launch(["party", "--config", paths[2], "--n", "2000000"], errors: victimErrors)
        // Killed once it reports that the computation is under way (not after a guessed delay,
        // which a loaded machine may not have spent computing yet).
        try Self.waitFor(report: "check: multiplying", from: victimErrors)
        kill(victim.processIdentifier, SIGKILL)
        for (process, _, _) in parties.prefix(2) { process.waitUntilExit() }
        for (k, (process, _, err)) in parties.prefix(2).enumerated() {
            #expect(process.terminationStatus != 0, "party \(k + 1) should have failed")
            // Directly, or through the other party's goodbye, the error names party 3.
            #expect(Self.errorLine(err).contains("party 3 is unavailable"), "party \(k + 1) said: \(Self.text(err))")
        }
    }

    /// Returns once the process writing into `errors` has reported `line`; fails if it exits
    /// (closing the pipe) first. Each read blocks until the process writes, so nothing polls.
    static func waitFor(report line: String, from errors: Pipe) throws {
        var said = ""
        while !said.contains(line) {
            let data = errors.fileHandleForReading.availableData
            try #require(!data.isEmpty, "the party exited before reporting \"\(line)\": \(said)")
            said += String(decoding: data, as: UTF8.self)
        }
    }

    /// Starts `cairn` with `arguments`, its standard error into `errors` and its output discarded.
    static func launch(_ arguments: [String], errors: Pipe) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cairn)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        return process
    }

    @Test("the study job computes a study's statistics across three processes")
    func studyJob() throws {
        let deployment = try Self.freshDeployment()
        let definition = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/quickstart.json").path
        let parties = try deployment.configurationPaths.map {
            try Self.start($0, ["--job", "study", "--definition", definition, "--contributors", "5,7", "--json"])
        }
        for (process, _, _) in parties { process.waitUntilExit() }
        for (k, (process, _, err)) in parties.enumerated() {
            #expect(process.terminationStatus == 0, "party \(k + 1): \(Self.text(err))")
        }
        let lines = Self.text(parties[0].1).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains(#""contributors":5"#) == true && lines.last?.contains(#""contributors":7"#) == true)
        #expect(lines.allSatisfy { $0.contains(#""transport":"tcp""#) && $0.contains(#""cells":8"#) })
        #expect(Self.text(parties[1].1).isEmpty && Self.text(parties[2].1).isEmpty)
    }

    @Test("a party presenting an unpinned certificate is refused, and the error says so")
    func unpinnedCertificate() throws {
        let deployment = try Self.freshDeployment(receiveTimeout: 5, connectTimeout: 5)
        // Parties 1 and 2 pin some other certificate for party 3, so the one party 3 presents is
        // not the pinned one.
        let pinned = deployment.folder.appendingPathComponent("party3-pinned.cert.pem")
        try PartyIdentity.generate(name: "not party 3").certificatePEM.write(to: pinned, atomically: true, encoding: .utf8)
        for party in 1...2 {
            let path = deployment.folder.appendingPathComponent("party\(party).json")
            let json = try String(contentsOf: path, encoding: .utf8)
                .replacingOccurrences(of: "\"party3.cert.pem\"", with: "\"party3-pinned.cert.pem\"")
            try json.write(to: path, atomically: true, encoding: .utf8)
        }
        let parties = try deployment.configurationPaths.map { try Self.start($0, ["--n", "10"]) }
        for (process, _, _) in parties { process.waitUntilExit() }
        #expect(parties.allSatisfy { $0.0.terminationStatus != 0 })
        for (k, party) in parties.prefix(2).enumerated() {
            let said = Self.errorLine(party.2)
            #expect(said.contains("party 3") && said.contains("pinned"), "party \(k + 1) said: \(Self.text(party.2))")
        }
    }
}
