import ArgumentParser
import CairnAnalytics
import Foundation

/// `cairn results`: the analyst reads the results its party wrote when a study's computation
/// finished (`results.json` in the results folder), as aligned text, CSV or JSON.
struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Show a study's results from the folder the analyst's party wrote them to.",
        discussion: """
            Prints each table, one line per cell, with the statistics the study computes. Text \
            shows all contributors unless --cohort chooses a cohort option; csv and json print \
            every group unless --cohort chooses one. The same folder holds report.html, with \
            charts, for reading in a browser. --gaps shows the comparisons the study declares \
            (for example women's pay per employee against men's) instead of the tables.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, csv, json
    }

    @Option(help: "The folder holding results.json.")
    var dir = "results"

    @Option(help: "Only the table with this id.")
    var table: String?

    @Option(help: ArgumentHelp(
        "Only this group: a cohort option (\"industry: Retail\", or \"Retail\"), or \"all\" for all contributors.",
        valueName: "cohort"))
    var cohort: String?

    @Option(help: "How to print the results: aligned text for reading, or csv or json for other programs.")
    var format: Format = .text

    @Flag(help: "Show the study's comparisons (pay gaps) instead of its tables.")
    var gaps = false

    func run() throws {
        print(try output(), terminator: "")
    }

    /// What the command prints.
    func output() throws -> String {
        let folder = URL(fileURLWithPath: dir)
        let report = try ResultsReport.load(from: folder)
        if gaps {
            if cohort != nil || table != nil {
                throw ValidationError("--gaps shows the study's comparisons for all contributors; leave out --cohort and --table")
            }
            switch format {
            case .text: return report.gapsText()
            case .csv: return report.gapsCSV()
            case .json:
                var selected = report
                selected.tables = []
                return String(decoding: selected.jsonData(), as: UTF8.self)
            }
        }
        if let table, report.table(table) == nil {
            throw ValidationError("no table \"\(table)\" in the results; the tables are: \(report.tables.map(\.id).joined(separator: ", "))")
        }
        var groups: [String]?
        if let cohort {
            guard let label = report.groupLabel(matching: cohort) else {
                throw ValidationError(
                    "no cohort option \"\(cohort)\" in the results; choose one of: "
                        + report.groupLabels.map { "\"\($0)\"" }.joined(separator: ", "))
            }
            groups = [label]
        } else if format == .text {
            groups = [ResultsReport.allContributors]
        }
        let selected = report.selecting(table: table, groups: groups)
        switch format {
        case .csv: return selected.csv()
        case .json: return String(decoding: selected.jsonData(), as: UTF8.self)
        case .text:
            var text = selected.plainText()
            if cohort == nil { text += Self.cohortHint(report.groupLabels.dropFirst()) }
            if report.comparisons != nil { text += "\nThe study's comparisons (pay gaps): cairn results --gaps\n" }
            let page = folder.standardizedFileURL.appendingPathComponent(ResultsReport.htmlFileName)
            if FileManager.default.fileExists(atPath: page.path) { text += "\nReport with charts: \(page.path)\n" }
            return text
        }
    }

    /// `Also by sector: "Company", "Non-profit", "Public sector".` and how to show one. Options
    /// are quoted because some hold commas.
    static func cohortHint(_ labels: ArraySlice<String>) -> String {
        var cohorts: [(name: String, options: [String])] = []
        for label in labels {
            let name = label.components(separatedBy: ": ").first ?? label
            let option = String(label.dropFirst(name.count + 2))
            if cohorts.last?.name == name { cohorts[cohorts.count - 1].options.append(option) } else { cohorts.append((name, [option])) }
        }
        guard let first = labels.first else { return "" }
        let list = cohorts.map { "\($0.name): " + $0.options.map { "\"\($0)\"" }.joined(separator: ", ") }.joined(separator: "; ")
        return "\nAlso by \(list).\nShow one with --cohort \"\(first)\".\n"
    }
}
