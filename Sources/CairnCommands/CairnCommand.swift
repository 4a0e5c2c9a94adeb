import ArgumentParser

/// `cairn`: privacy-preserving analytics with secure multi-party computation.
public struct CairnCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cairn",
        abstract: "Privacy-preserving analytics with secure multi-party computation.",
        discussion: """
            Contributors' numbers are split into secret shares, one per compute party; the parties \
            compute the declared statistics together and reveal only the result.
            """,
        version: "0.1.0",
        subcommands: [
            DemoCommand.self, ServeCommand.self, StudyCommand.self, LinksCommand.self, SubmitCommand.self,
            ComputeCommand.self, ResultsCommand.self, PartyCommand.self, KeysCommand.self, BenchCommand.self,
            WebCommand.self,
        ])

    public init() {}
}

extension CairnCommand {
    /// Parses the process's arguments and runs the chosen subcommand, exiting on error.
    ///
    /// Calls the asynchronous `run()` explicitly: from top-level code, `main()` resolves to the
    /// synchronous entry point, which would not run asynchronous subcommands.
    public static func execute(_ arguments: [String]? = nil) async {
        _ = MemoryTuning.isApplied  // links the allocator settings' constructor
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
