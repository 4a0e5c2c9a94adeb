import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A `cairn serve` process on a free loopback port, for the demo, the benchmark and the tests.
final class ServiceProcess: @unchecked Sendable {
    let process: Process
    /// `http://127.0.0.1:<port>`.
    let url: String
    /// The data folder; the operator token is in it.
    let data: URL
    private let errors: URL

    /// Starts the service and waits until it listens.
    init(data: URL, executable: String = PartyProcesses.executable, arguments: [String] = []) throws {
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        self.data = data
        errors = data.appendingPathComponent("serve.log")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--data", data.path, "--host", "127.0.0.1", "--port", "0"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        // The service prints "listening on http://HOST:PORT" once bound.
        var seen = ""
        while !seen.contains("\n") || !seen.contains("listening on ") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty {
                process.waitUntilExit()
                let log = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
                throw JobError("the study service did not start (exit status \(process.terminationStatus)): \(log)")
            }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        let line = seen.split(separator: "\n").first { $0.contains("listening on ") }!
        url = String(line[line.range(of: "listening on ")!.upperBound...]).trimmingCharacters(in: .whitespaces)
        // Keep draining standard output so the service never blocks on a full pipe.
        output.fileHandleForReading.readabilityHandler = { handle in _ = handle.availableData }
    }

    var operatorToken: String {
        get throws {
            try String(contentsOf: data.appendingPathComponent("operator-token"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// What the service logged.
    var log: String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }

    /// Asks the service to stop (SIGTERM) and waits.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Kills the service without warning (SIGKILL), as a crash would.
    func kill() {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
