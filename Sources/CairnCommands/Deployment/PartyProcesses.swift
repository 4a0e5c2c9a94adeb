import ArgumentParser
import Foundation

/// Three `cairn party` (or `cairn compute`) processes started from this executable, one per
/// configuration file.
enum PartyProcesses {
    /// This executable's path.
    static var executable: String {
        #if os(Linux)
        return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        #else
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        #endif
    }

    /// Starts the three parties with `arguments` after `party --config FILE`, waits for all, and
    /// returns each one's standard output. Party 1's progress lines pass through to standard error.
    /// Throws if any party fails, with what it said.
    static func run(
        configurations: [String], arguments: [String], command: String = "party", executable: String = executable
    ) throws -> [String] {
        var processes: [(Process, Pipe, Pipe)] = []
        for (k, path) in configurations.enumerated() {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = [command, "--config", path] + arguments
            let output = Pipe(), errors = Pipe()
            process.standardOutput = output
            process.standardError = k == 0 ? FileHandle.standardError : errors
            try process.run()
            processes.append((process, output, errors))
        }
        // Read before waiting, so that a full pipe cannot block a party.
        let outputs = processes.map { String(decoding: $0.1.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        let errors = processes.enumerated().map { k, entry in
            k == 0 ? "" : String(decoding: entry.2.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        for (process, _, _) in processes { process.waitUntilExit() }
        for (k, (process, _, _)) in processes.enumerated() where process.terminationStatus != 0 {
            throw ValidationError("party \(k + 1) failed (exit status \(process.terminationStatus)): \(errors[k])")
        }
        return outputs
    }
}
