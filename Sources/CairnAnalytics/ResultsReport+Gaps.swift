import CairnStudy

extension ResultsReport {
    /// A comparison the study declares (``StudyDefinition/Comparison``), for all contributors:
    /// one ``Gap`` per row group of its margin (and, for `"compare": "each"`, per column group),
    /// computed by the recipient from the margin's revealed totals.
    public struct Comparison: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        /// The ids of the margin and of the table compared.
        public var margin: String
        public var table: String
        /// `meanPerEmployee` or `mean`.
        public var statistic: StudyDefinition.Statistic
        /// As declared: a column group label or `each`; a column group label or `others`.
        public var compare: String
        public var with: String
        /// The table's kind and unit, to read the values.
        public var kind: StudyDefinition.Kind
        public var unit: String
        /// Row group by row group (then column group by column group), in the margin's order.
        public var gaps: [Gap]
    }

    /// One comparison of two sides in one row group.
    public struct Gap: Codable, Sendable, Equatable {
        /// The margin's row group, e.g. a job category, or ``StudyDefinition/allLabel``.
        public var row: String
        public var compare: Side
        public var with: Side
        /// `compare.value ÷ with.value` (0.78: 78 cents for every dollar); `nil` when either is
        /// missing: "not enough data".
        public var ratio: Double?

        /// Whether suppression withheld a total the comparison needs.
        public var withheld: Bool { compare.withheld || with.withheld }
    }

    /// One side of a ``Gap``.
    public struct Side: Codable, Sendable, Equatable {
        /// The column group, or ``ResultsReport/allOthersLabel``.
        public var label: String
        /// The statistic, in the table's unit; `nil` if withheld or not defined (no employees).
        public var value: Double?
        /// Contributors behind the compared table's total (those with a non-zero value, for money
        /// and months). `nil` for all others: an employer can count in both groups, so it cannot
        /// be derived from totals.
        public var contributors: Int?
        /// Employees counted in the headcount table's total, when the table has one.
        public var employees: Double?
        /// A total this side needs was suppressed (for all others: the group's or `All`'s).
        public var withheld: Bool
    }

    /// The label of the side that is every column group but the compared one.
    public static let allOthersLabel = "All others"

    /// The comparison's figures from the margins of `tables` (this report's, in table units).
    static func comparison(of declared: StudyDefinition.Comparison, definition: StudyDefinition, tables: [Table]) -> Comparison {
        let statistic = declared.statistic ?? .meanPerEmployee
        let table = tables.first { $0.id == declared.table }
        let margin = table?.margins?.first { $0.id == declared.margin }
        let headcountMargin = table?.headcountTable.flatMap { id in tables.first { $0.id == id } }?.margins?
            .first { $0.id == declared.margin }
        var comparison = Comparison(
            id: declared.id, title: declared.title, margin: declared.margin, table: declared.table, statistic: statistic,
            compare: declared.compare, with: declared.with, kind: table?.kind ?? .number, unit: table?.unit ?? "", gaps: [])
        guard let margin else { return comparison }

        /// The totals behind one column group in one row group.
        struct Totals {
            var sum: Double?, employees: Double?, contributors: Int?, withheld: Bool
        }
        func totals(_ row: String, _ column: String) -> Totals {
            let cell = margin.cell(row: row, column: column), headcount = headcountMargin?.cell(row: row, column: column)
            let withheld = (cell?.suppressed ?? true) || (statistic == .meanPerEmployee && (headcount?.suppressed ?? true))
            return Totals(
                sum: cell?.value(of: .sum), employees: headcount?.value(of: .sum),
                contributors: cell.flatMap { $0.suppressed ? nil : $0.nonzeroContributors ?? $0.contributors }, withheld: withheld)
        }
        func side(_ label: String, _ totals: Totals) -> Side {
            var value: Double?
            if !totals.withheld, let sum = totals.sum {
                let divisor = statistic == .meanPerEmployee ? totals.employees : totals.contributors.map(Double.init)
                if let divisor, divisor > 0 { value = sum / divisor }
            }
            return Side(
                label: label, value: value, contributors: totals.contributors,
                employees: totals.withheld ? nil : totals.employees, withheld: totals.withheld)
        }
        /// Everyone in the row group but `column`: the `All` group minus it. Held to the headcount
        /// part of the minimum like a revealed cell: a difference of revealed totals can cover very
        /// few people, and the report should not be the place that prints it.
        func others(_ row: String, _ column: String) -> Side {
            let all = totals(row, StudyDefinition.allLabel), group = totals(row, column)
            let withheld = all.withheld || group.withheld
            var difference = Totals(sum: nil, employees: nil, contributors: nil, withheld: withheld)
            if !withheld {
                difference.sum = zip(all.sum, group.sum).map { $0 - $1 }
                difference.employees = zip(all.employees, group.employees).map { $0 - $1 }
                if let minimum = definition.statistics.minimumCellSize, statistic == .meanPerEmployee,
                    let employees = difference.employees, employees > 0, employees < Double(minimum)
                {
                    difference = Totals(sum: nil, employees: nil, contributors: nil, withheld: true)
                }
            }
            var side = side(allOthersLabel, difference)
            side.contributors = nil
            return side
        }
        let compared = declared.compare == StudyDefinition.eachWord
            ? margin.columns.filter { $0 != StudyDefinition.allLabel && $0 != declared.with } : [declared.compare]
        for row in margin.rows {
            for column in compared {
                let left = side(column, totals(row, column))
                let right = declared.with == StudyDefinition.othersWord ? others(row, column) : side(declared.with, totals(row, declared.with))
                var ratio: Double?
                if let a = left.value, let b = right.value, b > 0 { ratio = a / b }
                comparison.gaps.append(Gap(row: row, compare: left, with: right, ratio: ratio))
            }
        }
        return comparison
    }
}

private func zip(_ a: Double?, _ b: Double?) -> (Double, Double)? {
    guard let a, let b else { return nil }
    return (a, b)
}

// MARK: - In words

extension ResultsReport.Comparison {
    /// The gaps of the row group of every label (``StudyDefinition/allLabel``): the overall figures.
    public var overall: [ResultsReport.Gap] { gaps.filter { $0.row == StudyDefinition.allLabel } }

    /// `value` as people read it, in the table's unit: `$61,234`, `12.5 months`.
    public func formatted(_ value: Double) -> String {
        let digits = kind == .money ? 0 : 1
        let number = ResultsReport.grouped(value, fractionDigits: digits)
        if kind == .money { return number.hasPrefix("-") ? "-$" + number.dropFirst() : "$" + number }
        return unit.isEmpty ? number : "\(number) \(unit)"
    }

    /// The ratio as people read it: `78 cents` for money, `85%` otherwise.
    public func formattedRatio(_ ratio: Double) -> String {
        let percent = Int((ratio * 100).rounded())
        guard kind == .money, statistic == .meanPerEmployee || statistic == .mean else { return "\(percent)%" }
        return percent < 100 ? "\(percent) cents" : "$" + ResultsReport.grouped(ratio, fractionDigits: 2)
    }

    /// The sentence a gap makes: "Overall, women were paid 78 cents for every dollar paid to
    /// men." or "In Professionals, there is not enough data to compare women with men."
    public func sentence(_ gap: ResultsReport.Gap) -> String {
        let place = gap.row == StudyDefinition.allLabel ? "Overall" : "In \(gap.row)"
        let (people, others) = (Self.people(gap.compare.label), Self.people(gap.with.label))
        guard let ratio = gap.ratio else {
            return "\(place), there is not enough data to compare \(people) with \(others)."
        }
        if kind == .money {
            let each = statistic == .meanPerEmployee ? "" : " (per contributor)"
            return "\(place), \(people) were paid \(formattedRatio(ratio)) for every dollar paid to \(others)\(each)."
        }
        return "\(place), \(people) had \(formattedRatio(ratio)) of the \(unit.isEmpty ? "value" : unit) per \(statistic == .meanPerEmployee ? "employee" : "contributor") that \(others) had."
    }

    /// A column group as the people in it: `women`, `Asian employees`, `all other employees`.
    static func people(_ label: String) -> String {
        switch label.lowercased() {
        case "female", "women": return "women"
        case "male", "men": return "men"
        case ResultsReport.allOthersLabel.lowercased(): return "all other employees"
        case StudyDefinition.allLabel.lowercased(): return "all employees"
        default: return "\(label) employees"
        }
    }
}
