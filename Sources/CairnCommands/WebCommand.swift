import ArgumentParser
import CairnService
import Foundation

/// `cairn web`: the contributor's and analyst's pages as files, to publish their digests or host
/// them somewhere other than the study service (docs/DEPLOYMENT.md).
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Publish the browser pages: their SHA-256 digests, or a copy for a static host.",
        subcommands: [Digests.self, Export.self])

    /// The web folder: `--web-root`, else the one installed with cairn.
    struct Folder: ParsableArguments {
        @Option(help: ArgumentHelp(
            "The web folder (default: the pages installed with cairn, or $CAIRN_WEB_ROOT).", valueName: "folder"))
        var webRoot: String?

        func assets() throws -> WebAssets {
            do {
                return try webRoot.map { try WebAssets(root: URL(fileURLWithPath: $0)) } ?? WebAssets.locate()
            } catch {
                throw ValidationError(String(describing: error))
            }
        }
    }

    struct Digests: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the SHA-256 of every file of the web folder, as sha256sum does.",
            discussion: """
                One `sha256  path` line per file, sorted by path. Publish the list; anyone can then \
                check a host's copy of the pages with `sha256sum -c` in that copy's folder, or compare \
                the digest of what their browser received.
                """)

        @OptionGroup var folder: Folder

        func run() async throws {
            print(try folder.assets().digestList(), terminator: "")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a copy of the web folder for a static host, talking to the study service at --service.",
            discussion: """
                Copies every file unchanged (the digests of `cairn web digests` still hold), writes \
                service.json naming the service, and the contributor's page as \
                contribute/<study>/index.html for each --study. Serve the folder at the root of an \
                origin the study's definition names in "pageOrigins".
                """)

        @Argument(help: ArgumentHelp("A new or empty folder to write the copy into.", valueName: "folder"))
        var output: String

        @Option(help: "The study service's origin, e.g. https://cairn.example.org.")
        var service: String

        @Option(help: "A study whose participation links point at this host (repeat for several).")
        var study: [String] = []

        @OptionGroup var folder: Folder

        func run() async throws {
            do {
                try folder.assets().export(to: URL(fileURLWithPath: output), service: service, studies: study)
            } catch let error as WebAssetsError {
                throw ValidationError(error.message)
            }
            Log.info("wrote the pages to \(output), talking to \(service)")
        }
    }
}
