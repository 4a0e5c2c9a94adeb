import Crypto
import Foundation

extension StudyDefinition {
    /// The most cells a study may have, over all its tables.
    public static let largestCellCount = 100_000

    /// Every problem with the definition, in plain words naming the table, row, column or field;
    /// empty if the study can be used.
    public func validate() -> [StudyDefinitionProblem] {
        var problems: [StudyDefinitionProblem] = []
        func report(_ place: String, _ message: String) {
            problems.append(StudyDefinitionProblem(place: place, message: message))
        }
        // Before anything expands a label list: a few combined lists can stand for billions of labels.
        if let sizeProblem = sizeProblem() { return [sizeProblem] }

        if let formatVersion, formatVersion != 1 {
            report("field \"formatVersion\"", "is \(formatVersion), but this version of Cairn reads format 1 only")
        }
        if !Self.isIdentifier(id) {
            report("field \"id\"", Self.identifierAdvice(id))
        }
        if title.trimmed.isEmpty { report("field \"title\"", "is empty; give the study a title contributors will recognise") }

        // Label lists.
        for name in (labelLists ?? [:]).keys.sorted() {
            let place = "label list \"\(name)\""
            switch labelLists![name]! {
            case .named: report(place, "must be a list of labels or a combination, not the name of another list")
            case let labels: checkLabels(resolve(labels) ?? [], place: place, report: report)
            }
        }

        // Tables.
        if tables.isEmpty { report("field \"tables\"", "is empty; a study needs at least one table") }
        var seenTables: Set<String> = []
        for table in tables {
            if !seenTables.insert(table.id).inserted {
                report("table \"\(table.id)\"", "appears more than once; each table needs its own id")
            }
        }
        let tableIDs = Set(tables.map { $0.id.lowercased() })
        for (number, table) in tables.enumerated() {
            checkTable(table, number: number + 1, tableIDs: tableIDs, report: report)
        }
        let cellCount = tables.reduce(0) { $0 + rowLabels(of: $1).count * columnLabels(of: $1).count }
        if cellCount > Self.largestCellCount {
            report("field \"tables\"", "the tables have \(cellCount) cells in all; a study may have at most \(Self.largestCellCount)")
        }

        // Cross-table rules.
        for (number, rule) in allRules.enumerated() {
            let place = "rule \(number + 1) (\(rule.rule.rawValue))"
            switch rule.rule {
            case .zeroTogether where rule.tables.count < 2:
                report(place, "must list at least two tables")
            case .notGreaterThan where rule.tables.count != 2:
                report(place, "must list exactly two tables: the smaller one first, then the one it may not exceed")
            default: break
            }
            if Set(rule.tables).count != rule.tables.count { report(place, "lists a table more than once") }
            let listed = rule.tables.compactMap { id -> Table? in
                guard let table = table(id) else {
                    report(place, "names table \"\(id)\", which is not a table in this study")
                    return nil
                }
                return table
            }
            if let first = listed.first {
                for other in listed.dropFirst() where !sameShape(first, other) {
                    report(place, "tables \"\(first.id)\" and \"\(other.id)\" must have the same rows and columns, in the same order")
                }
            }
        }

        // Cohorts.
        var seenCohorts: Set<String> = []
        for (number, cohort) in allCohorts.enumerated() {
            let place = cohort.id.isEmpty ? "cohort \(number + 1)" : "cohort \"\(cohort.id)\""
            if !Self.isIdentifier(cohort.id) { report(place, "its \"id\" " + Self.identifierAdvice(cohort.id)) }
            if !seenCohorts.insert(cohort.id).inserted { report(place, "appears more than once; each cohort needs its own id") }
            if cohort.question.trimmed.isEmpty { report(place, "has an empty \"question\"") }
            if cohort.options.count < 2 { report(place, "must offer at least two options") }
            checkLabels(cohort.options, place: place, what: "option", report: report)
        }

        // Statistics.
        if statistics.compute.isEmpty { report("statistics", "\"compute\" is empty; list at least one statistic, such as \"sum\"") }
        if Set(statistics.compute).count != statistics.compute.count { report("statistics", "\"compute\" lists a statistic more than once") }
        if statistics.compute.contains(.meanPerEmployee), !tables.contains(where: { $0.headcountTable != nil }) {
            report("statistics", "asks for \"meanPerEmployee\", but no table names a \"headcountTable\" to divide by")
        }
        if let size = statistics.minimumCellSize, size < 1 {
            report("statistics", "\"minimumCellSize\" is \(size); it must be 1 or more (or left out)")
        }

        checkDominance(report: report)
        checkMargins(report: report)
        problems += comparisonProblems()

        // Compute parties and recipients.
        checkParties(report: report)

        // Where the contributor's page may come from.
        for origin in pageOrigins ?? [] {
            if let problem = Self.pageOriginProblem(origin) { report("field \"pageOrigins\"", problem) }
        }
        if let origins = pageOrigins, Set(origins).count != origins.count {
            report("field \"pageOrigins\"", "names an origin more than once")
        }

        // What two compute parties cannot do.
        if computeParties.count == 2 {
            let twoParties = "with two compute parties, which can only add up the contributors' shares"
            let wanted = Set(statistics.compute + tables.flatMap { $0.statistics ?? [] })
            if wanted.contains(.standardDeviation) {
                report("statistics", "\"standardDeviation\" needs a third compute party: it squares secret values, which is not possible \(twoParties)")
            }
            if statistics.minimumCellSize != nil {
                report("statistics", "\"minimumCellSize\" needs a third compute party: withholding small cells compares secret values, which is not possible \(twoParties)")
            }
            if statistics.dominance != nil {
                report("statistics", "\"dominance\" needs a third compute party: finding a cell's largest contributor compares secret values, which is not possible \(twoParties)")
            }
            if !allMargins.isEmpty {
                report("field \"margins\"", "margins need a third compute party: a margin counts the contributors who filled in any of its cells, which is not possible \(twoParties)")
            }
            for cohort in allCohorts where cohort.source == .contributor {
                report("cohort \"\(cohort.id)\"", "a secret choice of cohort needs a third compute party: breaking sums down by it multiplies secret values, which is not possible \(twoParties); set \"assignedBy\": \"link\" to assign the cohort with the participation link instead")
            }
        }
        return problems
    }

    private func checkDominance(report: (String, String) -> Void) {
        guard let percent = statistics.dominance?.percent else { return }
        guard percent > 0, percent < 100 else {
            report("statistics", "\"dominance\" has \"percent\" \(Self.format(percent)); it must be more than 0 and less than 100 (85 withholds a cell whose largest contributor holds more than 85% of its total)")
            return
        }
        if Self.dominanceFraction(percent) == nil {
            report("statistics", "\"dominance\" has \"percent\" \(Self.format(percent)); give it with at most two decimal places")
        }
    }

    /// The dominance percentage `p` as a reduced fraction `numerator / denominator` of 1
    /// (`85` → 17/20), or `nil` when `p` has more than two decimal places: a cell is dominated
    /// when `denominator · largest > numerator · total`.
    public static func dominanceFraction(_ percent: Double) -> (numerator: Int64, denominator: Int64)? {
        let hundredths = (percent * 100).rounded()
        guard abs(percent * 100 - hundredths) < 1e-6, hundredths > 0, hundredths < 10_000 else { return nil }
        var (a, b) = (Int64(hundredths), Int64(10_000))
        while b != 0 { (a, b) = (b, a % b) }
        return (Int64(hundredths) / a, 10_000 / a)
    }

    private func checkMargins(report: (String, String) -> Void) {
        var seen: Set<String> = []
        for (number, margin) in allMargins.enumerated() {
            let place = margin.id.isEmpty ? "margin \(number + 1)" : "margin \"\(margin.id)\""
            if !Self.isIdentifier(margin.id) { report(place, "its \"id\" " + Self.identifierAdvice(margin.id)) }
            if !seen.insert(margin.id).inserted { report(place, "appears more than once; each margin needs its own id") }
            for problem in problems(ofMargin: margin) { report(place, problem) }
        }
    }

    private func checkTable(
        _ table: Table, number: Int, tableIDs: Set<String>, report: (String, String) -> Void
    ) {
        let place = table.id.isEmpty ? "table \(number)" : "table \"\(table.id)\""
        if !Self.isIdentifier(table.id) {
            report(place, "its \"id\" " + Self.identifierAdvice(table.id))
        } else if table.id.lowercased() == "cohort" {
            report(place, "\"cohort\" cannot be a table id: the CSV form uses that word for cohort answers")
        }
        if table.title.trimmed.isEmpty { report(place, "has an empty \"title\"") }

        for (field, labels) in [("rows", table.rows), ("columns", table.columns)] {
            guard let resolved = resolve(labels) else {
                if case .named(let name) = labels {
                    let known = (labelLists ?? [:]).keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
                    report(place, "\"\(field)\" names the label list \"\(name)\", which the study does not define"
                        + (known.isEmpty ? " (it has no \"labelLists\")" : " (it has \(known))"))
                }
                continue
            }
            checkLabels(resolved, place: "\(place), \(field)", what: field == "rows" ? "row" : "column", report: report)
        }
        let rows = rowLabels(of: table), columns = columnLabels(of: table)
        for row in rows where tableIDs.contains(row.lowercased()) || row.lowercased() == "cohort" {
            report("\(place), row \"\(row)\"", "a row label cannot also be a table id or the word \"cohort\": the CSV form could not tell them apart")
        }

        checkRules(table.validation, kind: table.kind, place: "\(place), field \"validation\"", report: report)
        for (index, override) in (table.overrides ?? []).enumerated() {
            let overridePlace = "\(place), override \(index + 1)"
            if override.row == nil && override.column == nil {
                report(overridePlace, "names neither a \"row\" nor a \"column\"; rules for the whole table go in \"validation\"")
            }
            if let row = override.row, !rows.isEmpty, !rows.contains(row) {
                report(overridePlace, "names row \"\(row)\", which is not a row of this table")
            }
            if let column = override.column, !columns.isEmpty, !columns.contains(column) {
                report(overridePlace, "names column \"\(column)\", which is not a column of this table")
            }
            checkRules(override.validation, kind: table.kind, place: overridePlace, report: report)
        }

        if let headcount = table.headcountTable {
            if headcount == table.id {
                report(place, "\"headcountTable\" names the table itself")
            } else if let other = self.table(headcount) {
                if other.kind != .count {
                    report(place, "\"headcountTable\" names table \"\(headcount)\", whose kind is \"\(other.kind.rawValue)\"; it must be a \"count\" table")
                }
                if !sameShape(table, other) {
                    report(place, "\"headcountTable\" names table \"\(headcount)\", which must have the same rows and columns, in the same order")
                }
            } else {
                report(place, "\"headcountTable\" names table \"\(headcount)\", which is not a table in this study")
            }
            if table.kind == .count {
                report(place, "is a \"count\" table, so it cannot have a \"headcountTable\"")
            }
        }
        if let wanted = table.statistics {
            if wanted.isEmpty { report(place, "\"statistics\" is empty; leave it out to use the study's statistics") }
            if Set(wanted).count != wanted.count { report(place, "\"statistics\" lists a statistic more than once") }
            if wanted.contains(.meanPerEmployee), table.headcountTable == nil {
                report(place, "asks for \"meanPerEmployee\" but has no \"headcountTable\" to divide by")
            }
        }
    }

    private func checkRules(_ rules: CellRules?, kind: Kind, place: String, report: (String, String) -> Void) {
        guard let rules else { return }
        let limit = Double(Self.largestMagnitude)
        if let places = rules.decimalPlaces {
            if !(0...6).contains(places) {
                report(place, "\"decimalPlaces\" is \(places); it must be between 0 and 6")
            } else if places > 0, kind != .number {
                report(place, "\"decimalPlaces\" is only for \"number\" tables; \(kind.rawValue) cells are whole numbers")
            }
        }
        for (field, bound) in [("minimum", rules.minimum), ("maximum", rules.maximum)] {
            guard let bound else { continue }
            if !bound.isFinite || abs(bound) > limit {
                report(place, "\"\(field)\" is \(Self.format(bound)); it must be between -1,000,000,000,000 and 1,000,000,000,000")
            }
        }
        if let minimum = rules.minimum, minimum < 0, kind == .count || kind == .months {
            report(place, "\"minimum\" is \(Self.format(minimum)), but \(kind.plainDescription) cannot be negative")
        }
        if let minimum = rules.minimum, let maximum = rules.maximum, minimum > maximum {
            report(place, "\"minimum\" (\(Self.format(minimum))) is greater than \"maximum\" (\(Self.format(maximum)))")
        }
    }

    private func checkLabels(
        _ labels: [String], place: String, what: String = "label", report: (String, String) -> Void
    ) {
        if labels.isEmpty { report(place, "has no \(what)s") }
        var seen: Set<String> = []
        for label in labels {
            if label.trimmed.isEmpty {
                report(place, "has an empty \(what)")
            } else if label.trimmed != label {
                report(place, "\(what) \"\(label)\" starts or ends with a space")
            }
            if !seen.insert(label.lowercased()).inserted { report(place, "has the \(what) \"\(label)\" more than once") }
        }
    }

    private func checkParties(report: (String, String) -> Void) {
        if !(2...3).contains(computeParties.count) {
            report("field \"computeParties\"", "lists \(computeParties.count) parties; a study needs two or three")
        }
        var ids: Set<String> = [], names: Set<String> = [], addresses: Set<String> = [], keys: Set<String> = []
        for (number, party) in computeParties.enumerated() {
            let place = "compute party \(number + 1)" + (party.name.trimmed.isEmpty ? "" : " (\(party.name))")
            if !Self.isIdentifier(party.id) { report(place, "its \"id\" " + Self.identifierAdvice(party.id)) }
            if !ids.insert(party.id).inserted { report(place, "has the id \"\(party.id)\", which another party already has") }
            if party.name.trimmed.isEmpty { report(place, "has an empty \"name\"; give the organization's name") }
            if !names.insert(party.name.trimmed.lowercased()).inserted {
                report(place, "has the same name as another party; the parties must be different organizations")
            }
            if !Self.isHostAndPort(party.address) {
                report(place, "has the address \"\(party.address)\", which is not host:port (for example cairn.example.org:7101)")
            } else if !addresses.insert(party.address.lowercased()).inserted {
                report(place, "has the same address as another party")
            }
            if let problem = Self.submissionKeyProblem(party.submissionKey) {
                report(place, "\"submissionKey\" \(problem)")
            } else if !keys.insert(party.submissionKey).inserted {
                report(place, "has the same \"submissionKey\" as another party; each party needs its own key")
            }
            if let fingerprint = party.certificateFingerprint, !Self.isFingerprint(fingerprint) {
                report(place, "\"certificateFingerprint\" is not a SHA-256 fingerprint as `cairn keys fingerprint` prints it (32 pairs of hex digits separated by colons)")
            }
        }
        let roles = computeParties.map(\.role)
        let providers = roles.filter { $0 == .serviceProvider }.count
        if providers != 1 {
            report("field \"computeParties\"", "has \(providers) parties with the role \"serviceProvider\"; exactly one must run the service contributors submit to")
        }
        if !roles.contains(.analyst) {
            report("field \"computeParties\"", "has no party with the role \"analyst\", so no one could receive the results")
        }
        if recipients.isEmpty { report("field \"recipients\"", "is empty; name the analyst party that receives the results") }
        if Set(recipients).count != recipients.count { report("field \"recipients\"", "names a party more than once") }
        for recipient in recipients {
            guard let party = computeParties.first(where: { $0.id == recipient }) else {
                report("field \"recipients\"", "names \"\(recipient)\", which is not the id of a compute party")
                continue
            }
            if party.role != .analyst {
                report("field \"recipients\"", "names \"\(recipient)\", whose role is \"\(party.role.rawValue)\"; only an \"analyst\" party may receive the results")
            }
        }
    }

    private func sameShape(_ a: Table, _ b: Table) -> Bool {
        rowLabels(of: a) == rowLabels(of: b) && columnLabels(of: a) == columnLabels(of: b)
    }

    // MARK: - Small checks

    static func isIdentifier(_ text: String) -> Bool {
        func isLetter(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, scalars.count <= 64, isLetter(first) else { return false }
        return scalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    static func identifierAdvice(_ text: String) -> String {
        text.isEmpty
            ? "is empty; use a short name of letters, digits, - and _, starting with a letter"
            : "\"\(text)\" is not a short name of letters, digits, - and _ starting with a letter (at most 64)"
    }

    /// What is wrong with `origin` as an origin allowed to host the contributor's page, or `nil`
    /// when it is one: `https://host[:port]`, or `http://localhost[:port]` and
    /// `http://127.0.0.1[:port]` (local tests: browsers treat those as secure); lower case, no
    /// path, query, fragment or user name, exactly as browsers send it in `Origin`.
    public static func pageOriginProblem(_ origin: String) -> String? {
        let quoted = "\"\(origin.count <= 80 ? origin : String(origin.prefix(77)) + "…")\""
        let advice = "an origin is a scheme and a host, with an optional port, such as \"https://analyst.example.org\""
        let scheme: String
        if origin.hasPrefix("https://") { scheme = "https" } else if origin.hasPrefix("http://") { scheme = "http" } else {
            return "names \(quoted), which is not an https:// origin; \(advice)"
        }
        let rest = origin.dropFirst(scheme.count + 3)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-.:[]")
        guard !rest.isEmpty, rest.allSatisfy({ allowed.contains($0) }) else {
            return "names \(quoted): \(advice), in lower case, with no path (not even a final \"/\"), query or user name"
        }
        var host = Substring(rest)
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            let port = rest[rest.index(after: colon)...]
            guard let number = Int(port), (1...65535).contains(number), port.first != "0" else {
                return "names \(quoted), whose port is not a number from 1 to 65535"
            }
            host = rest[..<colon]
        }
        guard !host.isEmpty, !host.hasPrefix("."), !host.hasSuffix("."), !host.contains("..") else {
            return "names \(quoted), which has no valid host; \(advice)"
        }
        if scheme == "http" && host != "localhost" && host != "127.0.0.1" {
            return "names \(quoted): the contributor's page encrypts in the browser, which browsers allow only on https:// pages "
                + "(and on http://localhost or http://127.0.0.1 for tests)"
        }
        return nil
    }

    static func isHostAndPort(_ address: String) -> Bool {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (1...65535).contains(port)
        else { return false }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return !host.isEmpty && !host.contains(where: \.isWhitespace)
    }

    /// Why `key` is not base64 of an uncompressed P-256 public key, or `nil` if it is one.
    static func submissionKeyProblem(_ key: String) -> String? {
        guard let bytes = Data(base64Encoded: key) else { return "is not base64 text" }
        guard bytes.count == 65, bytes.first == 0x04 else {
            return "is not an uncompressed P-256 public key (65 bytes starting with 04, base64-encoded; it has \(bytes.count) bytes)"
        }
        guard (try? P256.KeyAgreement.PublicKey(x963Representation: bytes)) != nil else {
            return "is not a point on the P-256 curve"
        }
        return nil
    }

    static func isFingerprint(_ text: String) -> Bool {
        let pairs = text.split(separator: ":", omittingEmptySubsequences: false)
        return pairs.count == 32 && pairs.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isHexDigit) }
    }

    /// A bound as people write it: `5000`, `2.5`.
    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension StringProtocol {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
