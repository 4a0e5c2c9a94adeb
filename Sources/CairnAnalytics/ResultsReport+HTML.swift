import CairnStudy
import Foundation

extension ResultsReport {
    /// The report as one self-contained HTML page (`report.html`): the study's facts and what
    /// suppression means, then for every table bar charts, its headline statistic for all
    /// contributors as a table, its other statistics and each cohort option's table folded
    /// away in `<details>`, and a comparison of the cohort options.
    ///
    /// Everything is inline (CSS and SVG; no script, font, image or link to anything outside the
    /// page), so the file can be mailed or archived and opened offline. Every text that comes
    /// from the study definition is HTML-escaped.
    public func html() -> String {
        var page = HTMLPage(report: self)
        return page.render()
    }

    /// The page's own Content Security Policy: it may load nothing at all, and run no script; only
    /// its inline style applies. Wherever the file is opened (mailed, archived, served), a label
    /// that slipped past escaping could not fetch or run anything.
    static let htmlContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

    /// `text` safe inside HTML text and attribute values.
    static func escapeHTML(_ text: String) -> String {
        replacing(in: text) { htmlEntities[$0] }
    }

    private static let htmlEntities: [Unicode.Scalar: String] = [
        "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;",
    ]
}

/// Builds `report.html`; numbers its charts so that their ids are unique.
private struct HTMLPage {
    let report: ResultsReport
    var charts = 0
    var out = ""

    init(report: ResultsReport) { self.report = report }

    private func e(_ text: String) -> String { ResultsReport.escapeHTML(text) }

    private var cohortGroups: [String] { Array(report.groupLabels.dropFirst()) }

    mutating func render() -> String {
        let title = e(report.study.title)
        out += """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="\(ResultsReport.htmlContentSecurityPolicy)">
            <title>Results: \(title)</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header>
            <p class="kicker">Study results</p>
            <h1>\(title)</h1>

            """
        header()
        out += "</header>\n<main>\n"
        // The answers first: the comparisons come before what suppression means and the tables.
        gapsSection()
        notes()
        for (index, table) in report.tables.enumerated() { section(table, index: index) }
        out += """
            </main>
            <footer><p>Made by Cairn from <code>\(ResultsReport.jsonFileName)</code>. Every statistic \
            of every cohort, with full precision, is in <code>\(ResultsReport.csvFileName)</code> \
            and <code>\(ResultsReport.jsonFileName)</code> next to this page.</p></footer>
            </body>
            </html>

            """
        return out
    }

    // MARK: Header

    private mutating func header() {
        let computed = Self.dateFormatter.string(from: report.computedAt)
        let iso = ISO8601DateFormatter().string(from: report.computedAt)
        let parties = report.computeParties.map { e($0.name) }
        out += "<dl class=\"facts\">\n"
        out += "<div><dt>Study</dt><dd><code>\(e(report.study.id))</code></dd></div>\n"
        out += "<div><dt>Computed</dt><dd><time datetime=\"\(iso)\">\(computed)</time></dd></div>\n"
        out += "<div><dt>Contributors</dt><dd>\(ResultsReport.grouped(Double(report.contributors), fractionDigits: 0))</dd></div>\n"
        if let minimum = report.minimumCellSize {
            out += "<div><dt>Minimum cell size</dt><dd>\(minimum)</dd></div>\n"
        }
        out += "<div><dt>Computed by</dt><dd>\(Self.list(parties))</dd></div>\n</dl>\n"
        if let sentence = report.leftOutSentence { out += "<p class=\"note\">\(e(sentence))</p>\n" }
    }

    /// What suppression means, how the results were computed, and the contents.
    private mutating func notes() {
        out += "<p class=\"note\">\(suppressionNote())</p>\n"
        out += """
            <p class="privacy">The compute parties computed these results together on secret shares of \
            the contributors' numbers: none of them saw any contributor's numbers, and only the \
            results below were revealed.</p>

            """
        if report.tables.count > 1 || report.comparisons != nil {
            out += "<nav aria-label=\"Tables\"><h2 class=\"toc\">Contents</h2><ol>\n"
            if report.comparisons != nil { out += "<li><a href=\"#gaps\">Comparisons</a></li>\n" }
            for (index, table) in report.tables.enumerated() {
                out += "<li><a href=\"#t\(index)\">\(e(table.title))</a></li>\n"
            }
            out += "</ol></nav>\n"
        }
    }

    private func suppressionNote() -> String {
        guard let minimum = report.minimumCellSize else {
            return "No minimum cell size was set for this study, so no cell was suppressed."
        }
        return """
            <strong>What <span class="dash">—</span> means:</strong> the cell was <em>suppressed</em>. \
            Fewer than \(minimum) contributors filled it in (for money and months, fewer than \
            \(minimum) entered a value other than zero; for values per employee, fewer than \
            \(minimum) employees were counted in it)\(dominanceClause()), so its values were \
            withheld: the parties replaced them with zero before opening anything, and the value was \
            never revealed to anyone, the analyst included. \(complementaryClause()) \
            <span class="na">n/a</span> marks a statistic that is not defined for the cell, such as a \
            mean per employee where no employees were counted.
            """
    }

    /// The dominance rule in words, after the minimum, or nothing when the study sets none.
    private func dominanceClause() -> String {
        guard let percent = report.dominancePercent else { return "" }
        return ", or one contributor alone held more than \(ResultsReport.plain(percent))% of a money or months total (so the total would all but reveal that contributor's figure)"
    }

    /// The complementary rule in words, when the study has margins (totals over cells).
    private func complementaryClause() -> String {
        guard report.tables.contains(where: { $0.margins != nil }) else { return "" }
        return """
            A total over several cells is also withheld when, together with the cells revealed next \
            to it, it would give a withheld cell away (a total minus the other cells in it would be \
            that cell).
            """
    }

    // MARK: Comparisons

    /// The comparisons, first on the page: per comparison its overall sentences, a chart of both
    /// sides' values with the ratio written next to them, and every figure in a table.
    private mutating func gapsSection() {
        guard let comparisons = report.comparisons, !comparisons.isEmpty else { return }
        out += "<section id=\"gaps\" class=\"gaps\" aria-labelledby=\"gaps-h\">\n<h2 id=\"gaps-h\">Comparisons</h2>\n"
        for (index, comparison) in comparisons.enumerated() {
            out += "<article class=\"comparison\" id=\"g\(index)\" aria-labelledby=\"g\(index)-h\">\n"
            out += "<h3 id=\"g\(index)-h\">\(e(comparison.title))</h3>\n"
            let overall = comparison.overall
            out += overall.count == 1
                ? "<p class=\"headline\">\(e(comparison.sentence(overall[0])))</p>\n"
                : "<ul class=\"headline\">" + overall.map { "<li>\(e(comparison.sentence($0)))</li>" }.joined() + "</ul>\n"
            // One group of bars per row group when one pair is compared; per compared group,
            // overall, when each is compared with the others (per row group in the table below).
            let pairwise = comparison.compare != StudyDefinition.eachWord
            let charted = pairwise ? overall + comparison.gaps.filter { $0.row != StudyDefinition.allLabel } : overall
            gapChart(comparison, gaps: charted, byRow: pairwise)
            out += gapTable(comparison)
            out += "</article>\n"
        }
        out += "<p class=\"note legend\"><strong>How to read these figures.</strong> \(e(ResultsReport.gapsFootnote)) \(suppressionLegend())</p>\n"
        out += "</section>\n"
    }

    /// Both suppression rules and the complementary one, in plain words, for the comparisons.
    private func suppressionLegend() -> String {
        guard let minimum = report.minimumCellSize else { return "No minimum was set for this study, so nothing was withheld." }
        return """
            A total is withheld, and shows as <em>not enough data</em>, when fewer than \(minimum) \
            contributors are behind it (for money and months, only contributors who entered a value \
            other than zero count)\(dominanceClause()). \(complementaryClause())
            """
    }

    /// A horizontal bar chart as inline SVG: for each gap a heading, a solid bar for the compared
    /// side and an outlined bar for the other, each with its label and value in text, and the
    /// ratio written at the right; "not enough data" in place of withheld bars. Black and white
    /// print tells the two apart by fill and outline, never by colour alone.
    private mutating func gapChart(_ comparison: ResultsReport.Comparison, gaps: [ResultsReport.Gap], byRow: Bool) {
        charts += 1
        let id = "c\(charts)"
        func heading(_ gap: ResultsReport.Gap) -> String {
            byRow ? (gap.row == StudyDefinition.allLabel ? "Overall" : gap.row) : gap.compare.label
        }
        let sideLabels = gaps.flatMap { [$0.compare.label, $0.with.label] }
        let labelWidth = Double(min(sideLabels.map(\.count).max() ?? 0, 30)) * 6.6 + 16
        let width = 760.0, ratioWidth = 150.0, valueWidth = 84.0
        let plot = width - labelWidth - valueWidth - ratioWidth
        let high = gaps.flatMap { [$0.compare.value, $0.with.value] }.compactMap { $0 }.max() ?? 0
        func x(_ value: Double) -> Double { labelWidth + (high > 0 ? max(0, value) / high * plot : 0) }
        func n(_ value: Double) -> String { String(format: "%.1f", value) }
        let headingHeight = 18.0, barHeight = 18.0, space = 10.0, top = 4.0
        let heights = gaps.map { headingHeight + ($0.ratio == nil ? barHeight : 2 * barHeight) + space }
        let height = top + heights.reduce(0, +)
        let what = "\(comparison.statistic.heading.lowercased()) of \(comparison.table)"
        let title = e("\(comparison.title): \(what)")
        let description = e("For each group, a solid bar for \(gaps.first?.compare.label ?? "the compared group") and an outlined bar for \(gaps.first?.with.label ?? "the others"), with each value and the ratio written out.")
        out += "<figure class=\"chart gap-chart\">\n"
        out += "<svg role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\">\n"
        out += "<title id=\"\(id)-t\">\(title)</title>\n<desc id=\"\(id)-d\">\(description)</desc>\n"
        var y = top
        for (gap, groupHeight) in zip(gaps, heights) {
            out += "<g class=\"gap\"><title>\(e(comparison.sentence(gap)))</title>"
            out += "<text class=\"group\" x=\"0\" y=\"\(n(y + 13))\">\(e(heading(gap)))</text>"
            let ratio = gap.ratio.map { comparison.formattedRatio($0) + (comparison.kind == .money ? " per $1" : "") }
            out += "<text class=\"ratio\" x=\"\(n(width))\" y=\"\(n(y + 13))\" text-anchor=\"end\">\(e(ratio ?? "not enough data"))</text>"
            var barY = y + headingHeight
            if gap.ratio == nil {
                let noEmployees = gap.compare.employees == 0 || gap.with.employees == 0
                let why = gap.withheld ? "a total was withheld" : noEmployees ? "no employees counted" : "the results hold no totals for it"
                out += "<text class=\"missing\" x=\"\(n(labelWidth))\" y=\"\(n(barY + 13))\">— not enough data: \(why)</text>"
            } else {
                for (side, kind) in [(gap.compare, "cmp"), (gap.with, "ref")] {
                    let label = side.label.count > 30 ? String(side.label.prefix(29)) + "…" : side.label
                    out += "<text class=\"label\" x=\"\(n(labelWidth - 6))\" y=\"\(n(barY + 13))\" text-anchor=\"end\">\(e(label))</text>"
                    if let value = side.value {
                        let end = x(value)
                        out += "<rect class=\"bar \(kind)\" x=\"\(n(labelWidth))\" y=\"\(n(barY + 3))\" width=\"\(n(max(end - labelWidth, 1)))\" height=\"13\"/>"
                        out += "<text class=\"value\" x=\"\(n(end + 4))\" y=\"\(n(barY + 13))\">\(e(comparison.formatted(value)))</text>"
                    }
                    barY += barHeight
                }
            }
            out += "</g>\n"
            y += groupHeight
        }
        out += "</svg>\n<figcaption>\(title). \(description)</figcaption>\n</figure>\n"
    }

    /// Every gap of a comparison as a table: both sides, the ratio, contributors and employees.
    private func gapTable(_ comparison: ResultsReport.Comparison) -> String {
        let rowsFirst = comparison.gaps.filter { $0.row == StudyDefinition.allLabel } + comparison.gaps.filter { $0.row != StudyDefinition.allLabel }
        var html = "<details class=\"figures\"><summary>Every figure: \(e(comparison.title))</summary>\n<div class=\"scroll\"><table class=\"grid\">\n"
        html += "<caption>\(e(comparison.title)): \(e(comparison.statistic.heading.lowercased()))"
            + (comparison.unit.isEmpty ? "" : " (\(e(comparison.unit)))") + "</caption>\n"
        html += "<thead><tr><th scope=\"col\">Group of rows</th><th scope=\"col\">Compared</th><th scope=\"col\">Value</th>"
            + "<th scope=\"col\">With</th><th scope=\"col\">Value</th><th scope=\"col\">Ratio</th>"
            + "<th scope=\"col\">Contributors</th><th scope=\"col\">Employees</th></tr></thead>\n<tbody>\n"
        func count(_ value: Double?) -> String { value.map { ResultsReport.grouped($0, fractionDigits: 0) } ?? "—" }
        for gap in rowsFirst {
            html += "<tr><th scope=\"row\">\(e(gap.row))</th><td class=\"text\">\(e(gap.compare.label))</td>"
            html += "<td>\(e(gap.compare.value.map(comparison.formatted) ?? "—"))</td><td class=\"text\">\(e(gap.with.label))</td>"
            html += "<td>\(e(gap.with.value.map(comparison.formatted) ?? "—"))</td>"
            html += gap.ratio.map { "<td>\(e(comparison.formattedRatio($0)))</td>" } ?? "<td class=\"suppressed\">not enough data</td>"
            html += "<td>\(count(gap.compare.contributors.map(Double.init))) / \(count(gap.with.contributors.map(Double.init)))</td>"
            html += "<td>\(count(gap.compare.employees)) / \(count(gap.with.employees))</td></tr>\n"
        }
        return html + "</tbody>\n</table></div>\n</details>\n"
    }

    // MARK: Tables

    private mutating func section(_ table: ResultsReport.Table, index: Int) {
        out += "<section id=\"t\(index)\" aria-labelledby=\"t\(index)-h\">\n"
        out += "<h2 id=\"t\(index)-h\">\(e(table.title))</h2>\n"
        var about: [String] = []
        if let description = table.description { about.append(e(description)) }
        if !table.unit.isEmpty { about.append("Values in \(e(table.unit)).") }
        about.append("Statistics: " + table.statistics.map { $0.heading.lowercased() }.joined(separator: ", ") + ".")
        out += "<p class=\"about\">\(about.joined(separator: " "))</p>\n"
        guard let headline = table.headline, let all = table.groups.first else {
            out += "<p>No statistics were computed for this table.</p>\n</section>\n"
            return
        }
        charts(table, headline: headline, all: all)
        out += grid(table, group: all, statistic: headline)
        for margin in table.margins ?? [] {
            guard let marginAll = margin.groups.first else { continue }
            out += grid(ResultsReport.marginTable(margin, of: table), group: marginAll, statistic: headline)
        }
        let others = table.statistics.filter { $0 != headline }
        if !others.isEmpty {
            out += "<details><summary>\(others.map(\.heading).joined(separator: ", ")): \(e(all.label))</summary>\n"
            for statistic in others { out += grid(table, group: all, statistic: statistic) }
            out += "</details>\n"
        }
        let cohorts = table.groups.dropFirst()
        if !cohorts.isEmpty {
            out += "<h3>By cohort</h3>\n"
            cohortCharts(table, headline: headline)
            out += "<p class=\"hint\">\(e(headline.heading)) for each cohort; open one to see its table.</p>\n"
            for group in cohorts {
                let suppressed = group.cells.filter(\.suppressed).count
                let note = suppressed == 0 ? "" : " <span class=\"count\">(\(suppressed) of \(group.cells.count) cells suppressed)</span>"
                out += "<details class=\"cohort\"><summary>\(e(group.label))\(note)</summary>\n"
                out += grid(table, group: group, statistic: headline)
                out += "</details>\n"
            }
        }
        out += "</section>\n"
    }

    /// A table of one statistic for one group: rows × columns, two header rows when every column
    /// label combines two parts (`Asian / Female`).
    private func grid(_ table: ResultsReport.Table, group: ResultsReport.Group, statistic: StudyDefinition.Statistic) -> String {
        let unit = table.unit(of: statistic)
        var html = "<div class=\"scroll\"><table class=\"grid\">\n<caption>\(e(table.title)): \(e(statistic.heading.lowercased()))"
        if !unit.isEmpty { html += " (\(e(unit)))" }
        html += ", \(e(group.label))</caption>\n<thead>\n"
        let parts = table.columns.map { $0.components(separatedBy: StudyDefinition.Labels.combinationSeparator) }
        if parts.count > 1, parts.allSatisfy({ $0.count == 2 }) {
            html += "<tr><td class=\"corner\" rowspan=\"2\"></td>"
            var index = 0
            while index < parts.count {
                let first = parts[index][0]
                let run = parts[index...].prefix { $0[0] == first }.count
                html += "<th scope=\"colgroup\" colspan=\"\(run)\">\(e(first))</th>"
                index += run
            }
            html += "</tr>\n<tr>" + table.columns.indices.map { "<th scope=\"col\" title=\"\(e(table.columns[$0]))\">\(e(parts[$0][1]))</th>" }.joined() + "</tr>\n"
        } else {
            html += "<tr><td class=\"corner\"></td>" + table.columns.map { "<th scope=\"col\">\(e($0))</th>" }.joined() + "</tr>\n"
        }
        html += "</thead>\n<tbody>\n"
        for (row, label) in table.rows.enumerated() {
            html += "<tr><th scope=\"row\">\(e(label))</th>"
            for column in table.columns.indices {
                let cell = group.cells[row * table.columns.count + column]
                if cell.suppressed {
                    html += "<td class=\"suppressed\" title=\"suppressed\"><span aria-hidden=\"true\">—</span><span class=\"sr\">suppressed</span></td>"
                } else if let value = cell.value(of: statistic) {
                    html += "<td>\(e(table.formatted(value, statistic)))</td>"
                } else {
                    html += "<td class=\"na\" title=\"not defined for this cell\">n/a</td>"
                }
            }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table></div>\n"
    }

    // MARK: Charts

    private struct Bar {
        var label: String
        var value: Double?
        /// What to show instead of a missing value: `suppressed` or `n/a`.
        var missing: String
        var highlighted = false

        init(label: String, value: Double?, missing: String, highlighted: Bool = false) {
            self.label = label
            self.value = value
            self.missing = missing
            self.highlighted = highlighted
        }

        /// A bar for cells combined: `suppressed` if they all were.
        init(_ label: String, _ combined: ResultsReport.Combined, highlighted: Bool = false) {
            self.init(label: label, value: combined.value, missing: combined.allSuppressed ? "suppressed" : "n/a", highlighted: highlighted)
        }
    }

    /// Bar charts of the headline statistic for all contributors: by row and by column when it
    /// combines over cells, otherwise one bar per cell.
    private mutating func charts(_ table: ResultsReport.Table, headline: StudyDefinition.Statistic, all: ResultsReport.Group) {
        let name = e(headline.heading.lowercased())
        out += "<div class=\"charts\">\n"
        if report.canCombine(headline, in: table) {
            let width = table.columns.count
            let byRow = table.rows.indices.map { row in (table.rows[row], Array(row * width..<(row + 1) * width)) }
            let byColumn = table.columns.indices.map { column in
                (table.columns[column], table.rows.indices.map { $0 * width + column })
            }
            for (along, lines) in [("row", byRow), ("column", byColumn)] where lines.count > 1 || (along == "row" && byColumn.count <= 1) {
                let combined = lines.map { report.combined(headline, in: table, group: all.label, cells: $0.1) }
                let leftOut = combined.reduce(0) { $0 + $1.suppressed }
                barChart(
                    title: "\(e(table.title)): \(name) by \(along), \(e(all.label))",
                    description: "\(Self.combinedMeaning(headline, along: along))"
                        + (leftOut == 0 ? "" : " \(leftOut) suppressed cell\(leftOut == 1 ? " is" : "s are") left out."),
                    bars: zip(lines, combined).map { Bar($0.0, $1) },
                    table: table, statistic: headline)
            }
        } else {
            let bars = all.cells.map { cell in
                Bar(label: table.columns.count == 1 ? cell.row : table.rows.count == 1 ? cell.column : "\(cell.row) / \(cell.column)",
                    value: cell.value(of: headline), missing: cell.suppressed ? "suppressed" : "n/a")
            }
            barChart(
                title: "\(e(table.title)): \(name), \(e(all.label))",
                description: "\(e(headline.heading)) of each cell.", bars: bars, table: table, statistic: headline)
        }
        out += "</div>\n"
    }

    /// For each cohort, the headline statistic over the whole table for all contributors and for
    /// each option, when it combines over cells.
    private mutating func cohortCharts(_ table: ResultsReport.Table, headline: StudyDefinition.Statistic) {
        guard report.canCombine(headline, in: table), let all = table.groups.first else { return }
        let everyCell = Array(all.cells.indices)
        let total = report.combined(headline, in: table, group: all.label, cells: everyCell)
        var cohorts: [String] = []
        for group in table.groups.dropFirst() where !cohorts.contains(group.cohort ?? "") { cohorts.append(group.cohort ?? "") }
        out += "<div class=\"charts\">\n"
        for cohort in cohorts {
            let groups = table.groups.dropFirst().filter { ($0.cohort ?? "") == cohort }
            let bars = [Bar(all.label, total, highlighted: true)]
                + groups.map { group in
                    Bar(group.option ?? group.label, report.combined(headline, in: table, group: group.label, cells: everyCell))
                }
            barChart(
                title: "\(e(table.title)): \(e(headline.heading.lowercased())) by \(e(cohort))",
                description: "\(Self.combinedMeaning(headline, along: nil)) Each cohort option's suppressed cells are left out, so options with many suppressed cells cover fewer cells.",
                bars: bars, table: table, statistic: headline)
        }
        out += "</div>\n"
    }

    private static func combinedMeaning(_ statistic: StudyDefinition.Statistic, along: String?) -> String {
        let over = along.map { "each \($0)'s cells" } ?? "all the table's cells"
        switch statistic {
        case .sum: return "The total over \(over)."
        case .mean: return "The total over \(over) divided by the number of values entered in them."
        case .meanPerEmployee: return "The total over \(over) divided by the number of employees counted in them."
        case .count, .standardDeviation: return ""
        }
    }

    /// A horizontal bar chart as inline SVG: labels left, bars from zero, values right.
    private mutating func barChart(
        title: String, description: String, bars: [Bar], table: ResultsReport.Table, statistic: StudyDefinition.Statistic
    ) {
        charts += 1
        let id = "c\(charts)"
        let longest = min(bars.map(\.label.count).max() ?? 0, 44)
        let labelWidth = Double(longest) * 6.6 + 12, valueWidth = 96.0, width = 760.0
        let rowHeight = 22.0, top = 8.0, height = top * 2 + rowHeight * Double(bars.count)
        let values = bars.compactMap(\.value)
        let low = min(0, values.min() ?? 0), high = max(0, values.max() ?? 0)
        let span = high - low > 0 ? high - low : 1
        let plot = width - labelWidth - valueWidth
        func x(_ value: Double) -> Double { labelWidth + (value - low) / span * plot }
        func n(_ value: Double) -> String { String(format: "%.1f", value) }

        out += "<figure class=\"chart\">\n"
        out += "<svg role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\">\n"
        out += "<title id=\"\(id)-t\">\(title)</title>\n<desc id=\"\(id)-d\">\(description)</desc>\n"
        for (index, bar) in bars.enumerated() {
            let y = top + rowHeight * Double(index)
            let label = bar.label.count > 44 ? String(bar.label.prefix(43)) + "…" : bar.label
            let shown = bar.value.map { table.formatted($0, statistic) }
            out += "<g><title>\(e(bar.label)): \(e(shown ?? bar.missing))</title>"
            out += "<text class=\"label\" x=\"\(n(labelWidth - 6))\" y=\"\(n(y + 15))\" text-anchor=\"end\">\(e(label))</text>"
            if let value = bar.value, let shown {
                let start = min(x(0), x(value)), end = max(x(0), x(value))
                out += "<rect class=\"\(bar.highlighted ? "bar all" : "bar")\" x=\"\(n(start))\" y=\"\(n(y + 4))\" width=\"\(n(max(end - start, 1)))\" height=\"14\"/>"
                out += "<text class=\"value\" x=\"\(n(end + 4))\" y=\"\(n(y + 15))\">\(e(shown))</text>"
            } else {
                out += "<text class=\"missing\" x=\"\(n(x(0) + 4))\" y=\"\(n(y + 15))\">\(bar.missing == "suppressed" ? "— suppressed" : e(bar.missing))</text>"
            }
            out += "</g>\n"
        }
        out += "<line class=\"axis\" x1=\"\(n(x(0)))\" x2=\"\(n(x(0)))\" y1=\"\(n(top))\" y2=\"\(n(height - top))\"/>\n"
        out += "</svg>\n<figcaption>\(title). \(description)</figcaption>\n</figure>\n"
    }

    // MARK: Pieces

    /// `A`, `A and B`, `A, B and C`.
    private static func list(_ items: [String]) -> String {
        items.count <= 2 ? items.joined(separator: " and ") : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    private static var dateFormatter: DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMMM yyyy, HH:mm 'UTC'"
        return formatter
    }

    private static let style = """

        :root{color-scheme:light dark;--fg:#1c1e21;--muted:#5b6169;--line:#d5d9de;--head:#f3f5f7;\
        --bar:#2f6aad;--all:#7a4f01;--sup:#f6f1e3;--bg:#fff}
        @media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--muted:#a3a9b1;--line:#3b4046;\
        --head:#23272c;--bar:#6ea6ec;--all:#e2aa4c;--sup:#2e2a1f;--bg:#16181b}}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:1200px;padding:1.5rem;font:15px/1.5 system-ui,-apple-system,\
        "Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
        h1{font-size:1.8rem;margin:.1rem 0 1rem}h2{font-size:1.35rem;margin:2.5rem 0 .4rem;\
        border-top:1px solid var(--line);padding-top:1.2rem}h3{font-size:1.1rem;margin:1.6rem 0 .4rem}
        .kicker{margin:0;color:var(--muted);text-transform:uppercase;letter-spacing:.06em;font-size:.8rem}
        .facts{display:flex;flex-wrap:wrap;gap:.4rem 2rem;margin:0 0 1rem}.facts dt{color:var(--muted);\
        font-size:.8rem}.facts dd{margin:0;font-weight:600}
        .note{background:var(--sup);border-left:4px solid var(--all);padding:.7rem 1rem;max-width:60rem}
        .privacy,.about,.hint,footer{color:var(--muted);max-width:60rem}
        nav .toc{border:0;margin:1rem 0 .2rem;padding:0;font-size:1rem}nav ol{margin:0}
        .scroll{overflow-x:auto;margin:.6rem 0 1rem}
        table.grid{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:.85rem}
        .grid caption{text-align:left;font-weight:600;padding:.3rem 0;caption-side:top}
        .grid th,.grid td{border:1px solid var(--line);padding:.25rem .5rem}
        .grid thead th{background:var(--head);font-weight:600;vertical-align:bottom}
        .grid tbody th{background:var(--head);text-align:left;font-weight:500;min-width:10rem}
        .grid td{text-align:right;white-space:nowrap}
        .grid td.suppressed,.dash{background:var(--sup);color:var(--all);text-align:center;font-weight:700}
        .grid td.na,.na{color:var(--muted);text-align:center;font-size:.8rem}
        .corner{border:0!important;background:transparent}
        .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        details{margin:.4rem 0}summary{cursor:pointer;padding:.2rem 0}.count{color:var(--muted)}
        .charts{display:flex;flex-wrap:wrap;gap:1rem}
        figure.chart{margin:.5rem 0;max-width:100%}figure.chart svg{max-width:100%;height:auto}
        figcaption{color:var(--muted);font-size:.8rem;max-width:760px}
        svg text{font-size:12px;fill:var(--fg)}svg .value{fill:var(--muted)}
        svg .missing{fill:var(--all);font-style:italic}
        svg .bar{fill:var(--bar)}svg .bar.all{fill:var(--all)}svg .axis{stroke:var(--muted);stroke-width:1}
        .headline{font-size:1.2rem;font-weight:600;max-width:60rem;margin:.4rem 0 .8rem}ul.headline{padding-left:1.2rem;font-size:1rem}
        .comparison{margin:0 0 1.5rem}.grid td.text{text-align:left}
        svg .group{font-weight:700}svg .ratio{font-weight:700;font-size:13px}
        svg .bar.cmp{fill:var(--fg)}svg .bar.ref{fill:var(--bg);stroke:var(--fg);stroke-width:1.5}
        @media print{body{max-width:none;padding:0;color:#000;background:#fff}details{display:block}.scroll{overflow:visible}\
        svg text{fill:#000}svg .bar,svg .bar.cmp{fill:#000}svg .bar.ref{fill:#fff;stroke:#000}svg .missing{fill:#000}\
        .note{background:#fff;border-left-color:#000}.grid td.suppressed{background:#fff;color:#000}}

        """
}
