extension StudyDefinition {
    /// Every problem with the study's ``comparisons``, naming the comparison and its field.
    ///
    /// A comparison is computed by the recipient from a margin's revealed totals, so everything it
    /// needs must be a total of that margin: the compared table's sums, and for
    /// `meanPerEmployee` its headcount table's sums. `"with": "others"` is the `All` column group
    /// minus the compared one, so the margin's columns must include `"all"`, and the statistic
    /// must be `meanPerEmployee`: the contributors behind "all others" cannot be counted from
    /// totals (an employer can be in both groups), so a mean per contributor cannot be formed.
    func comparisonProblems() -> [StudyDefinitionProblem] {
        var problems: [StudyDefinitionProblem] = []
        var seen: Set<String> = []
        for (number, comparison) in allComparisons.enumerated() {
            let place = comparison.id.isEmpty ? "comparison \(number + 1)" : "comparison \"\(comparison.id)\""
            func report(_ message: String) { problems.append(StudyDefinitionProblem(place: place, message: message)) }
            if !Self.isIdentifier(comparison.id) { report("its \"id\" " + Self.identifierAdvice(comparison.id)) }
            if !seen.insert(comparison.id).inserted { report("appears more than once; each comparison needs its own id") }
            if comparison.title.trimmed.isEmpty { report("has an empty \"title\"; say what is compared, e.g. \"Women's pay compared with men's\"") }
            guard let margin = allMargins.first(where: { $0.id == comparison.margin }) else {
                let known = allMargins.map { "\"\($0.id)\"" }.joined(separator: ", ")
                report("names margin \"\(comparison.margin)\", which is not a margin in this study"
                    + (known.isEmpty ? "; declare it under \"margins\"" : " (the margins are \(known))"))
                continue
            }
            guard let table = table(comparison.table) else {
                report("names table \"\(comparison.table)\", which is not a table in this study")
                continue
            }
            if !margin.tables.contains(table.id) {
                report("compares table \"\(table.id)\", but margin \"\(margin.id)\" does not total it; add it to the margin's \"tables\"")
            }
            if !statistics(for: table).contains(.sum) {
                report("needs the sums of table \"\(table.id)\"; add \"sum\" to the statistics computed for it")
            }
            let statistic = comparison.statistic ?? .meanPerEmployee
            switch statistic {
            case .meanPerEmployee:
                guard let headcount = table.headcountTable.flatMap(self.table) else {
                    report("compares \"meanPerEmployee\", but table \"\(table.id)\" names no \"headcountTable\" to divide by; name one, or compare \"mean\"")
                    break
                }
                if !margin.tables.contains(headcount.id) {
                    report("divides by the headcount table \"\(headcount.id)\", but margin \"\(margin.id)\" does not total it; add it to the margin's \"tables\"")
                }
                if !statistics(for: headcount).contains(.sum) {
                    report("needs the sums of the headcount table \"\(headcount.id)\"; add \"sum\" to the statistics computed for it")
                }
            case .mean:
                if !statistics(for: table).contains(.count) {
                    report("compares \"mean\", which needs the contributor counts of table \"\(table.id)\"; add \"count\" to its statistics")
                }
                if comparison.with == Self.othersWord {
                    report("compares \"mean\" with \"others\": the contributors behind all others cannot be counted from the totals (an employer can be in both groups); compare \"meanPerEmployee\" instead")
                }
            default:
                report("compares \"\(statistic.rawValue)\"; a comparison compares \"meanPerEmployee\" (the default) or \"mean\"")
            }
            let columns = Self.marginGroups(definition: self, margin: margin).columns
            let choices = columns.map { "\"\($0)\"" }.joined(separator: ", ")
            if comparison.compare != Self.eachWord, !columns.contains(comparison.compare) {
                report("\"compare\" is \"\(comparison.compare)\", which is not a column group of margin \"\(margin.id)\"; use \"each\" or one of \(choices)")
            }
            if comparison.with == Self.othersWord {
                if !columns.contains(Self.allLabel) {
                    report("compares with \"others\", which is the \"All\" column group minus the compared one, but margin \"\(margin.id)\" has no \"All\" column group; add \"all\" to its \"columns\"")
                }
            } else if !columns.contains(comparison.with) {
                report("\"with\" is \"\(comparison.with)\", which is not a column group of margin \"\(margin.id)\"; use \"others\" or one of \(choices)")
            }
            if comparison.compare == comparison.with {
                report("compares \"\(comparison.compare)\" with itself; \"compare\" and \"with\" must differ")
            }
        }
        return problems
    }
}
