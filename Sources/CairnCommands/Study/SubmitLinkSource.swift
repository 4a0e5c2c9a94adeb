import ArgumentParser
import CairnStudy
import Foundation

/// Where `cairn submit` reads the participation link from. The link holds the contributor's
/// secret code, and a command line is visible to every user of the machine (`ps`) and kept in
/// shell histories: a file (`--link-file`) or the environment (`CAIRN_LINK`) keep it out.
enum SubmitLinkSource {
    /// The environment variable holding the link.
    static let environmentVariable = "CAIRN_LINK"

    /// The link from `--link`, else the first line of `--link-file`, else `CAIRN_LINK`.
    static func text(option: String?, file: String?, environment: [String: String]) throws -> String {
        if let option { return option }
        if let file {
            let contents: String
            do { contents = try LocalFile.text(at: file, what: "the link file") } catch { throw ValidationError(error.description) }
            let line = contents.split(whereSeparator: \.isNewline).first.map(String.init)?
                .trimmingCharacters(in: .whitespaces) ?? ""
            guard !line.isEmpty else { throw ValidationError("the link file \(file) is empty") }
            return line
        }
        if let value = environment[environmentVariable]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
            return value
        }
        throw ValidationError(
            "give your participation link: --link-file <file>, the environment variable \(environmentVariable), or --link <link>")
    }
}
