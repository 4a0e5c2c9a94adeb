import CairnStudy
import Foundation

extension StudyDefinition.Statistic {
    /// The statistic's name in reports: `Mean per employee`.
    public var heading: String {
        switch self {
        case .count: "Contributors"
        case .sum: "Sum"
        case .mean: "Mean"
        case .meanPerEmployee: "Mean per employee"
        case .standardDeviation: "Standard deviation"
        }
    }

    /// The statistic's column in `results.csv`: `mean_per_employee`.
    var csvName: String {
        switch self {
        case .count: "contributors"
        case .sum: "sum"
        case .mean: "mean"
        case .meanPerEmployee: "mean_per_employee"
        case .standardDeviation: "standard_deviation"
        }
    }
}

extension ResultsReport.Table {
    /// The statistic a table is shown by first: the total for `count` tables, the mean per
    /// employee (or else the mean) for the others; `nil` if the table has no statistics.
    public var headline: StudyDefinition.Statistic? {
        let preferred: [StudyDefinition.Statistic] = kind == .count
            ? [.sum, .mean, .count, .meanPerEmployee, .standardDeviation]
            : [.meanPerEmployee, .mean, .sum, .count, .standardDeviation]
        return preferred.first(where: statistics.contains)
    }

    /// The unit of a statistic's values, for headings: `US dollars`; empty for contributor counts
    /// and `number` tables.
    public func unit(of statistic: StudyDefinition.Statistic) -> String {
        statistic == .count ? "" : unit
    }

    /// The group with this label.
    public func group(_ label: String) -> ResultsReport.Group? { groups.first { $0.label == label } }

    /// A value of a statistic as people read it: `$52,000`, `1,234`, `12.5`. Money is rounded to
    /// whole dollars, as it is entered; means of counts and months get one decimal, means of
    /// numbers one more than their decimal places. Data files keep the unrounded values.
    public func formatted(_ value: Double, _ statistic: StudyDefinition.Statistic) -> String {
        let digits: Int
        switch statistic {
        case .count: digits = 0
        case .sum: digits = decimalPlaces
        case .mean, .meanPerEmployee, .standardDeviation:
            digits = kind == .money ? 0 : kind == .number ? min(decimalPlaces + 1, 6) : 1
        }
        let number = ResultsReport.grouped(value, fractionDigits: digits)
        guard kind == .money, statistic != .count else { return number }
        return number.hasPrefix("-") ? "-$" + number.dropFirst() : "$" + number
    }
}

extension ResultsReport {
    /// `value` rounded to `fractionDigits` digits, with commas between thousands: `-1,234.50`.
    static func grouped(_ value: Double, fractionDigits: Int) -> String {
        let text = String(format: "%.\(fractionDigits)f", abs(value))
        let parts = text.split(separator: ".", maxSplits: 1)
        var integer = String(parts[0]), withCommas = ""
        while integer.count > 3 {
            withCommas = "," + integer.suffix(3) + withCommas
            integer.removeLast(3)
        }
        withCommas = integer + withCommas + (parts.count > 1 ? "." + parts[1] : "")
        let isZero = !text.contains { $0 != "0" && $0 != "." }
        return value < 0 && !isZero ? "-" + withCommas : withCommas
    }

    /// `text` with each Unicode scalar for which `replacement` gives a string replaced by it.
    static func replacing(in text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let replaced = replacement(scalar) { result += replaced } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    /// `value` for a data file: whole numbers without a decimal point, others to six decimal
    /// places without trailing zeros; never an exponent or a thousands separator.
    static func plain(_ value: Double) -> String {
        if value == value.rounded(), value.magnitude < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

// MARK: - Values combined over several cells, for charts

extension ResultsReport {
    /// A statistic over several cells of a table taken together, from the cells' revealed totals.
    struct Combined {
        /// `nil` if no cell had the values it needs.
        var value: Double?
        /// The suppressed cells, left out.
        var suppressed: Int
        /// Whether every cell was suppressed.
        var allSuppressed: Bool
    }

    /// Whether ``combined(_:in:group:cells:)`` can combine `statistic` for `table`: totals add up;
    /// means are total ÷ contributors, or total ÷ the headcount table's total.
    func canCombine(_ statistic: StudyDefinition.Statistic, in table: Table) -> Bool {
        guard table.statistics.contains(.sum) else { return false }
        switch statistic {
        case .sum: return true
        case .mean: return table.statistics.contains(.count)
        case .meanPerEmployee:
            return table.headcountTable.flatMap { self.table($0) }.map { $0.statistics.contains(.sum) } ?? false
        case .count, .standardDeviation: return false
        }
    }

    /// `statistic` over the cells at `cells` (positions, row by row) of `table` for the group
    /// labelled `group`, leaving out suppressed cells. Only for statistics ``canCombine(_:in:)``.
    func combined(_ statistic: StudyDefinition.Statistic, in table: Table, group label: String, cells: [Int]) -> Combined {
        guard let group = table.group(label) else { return Combined(value: nil, suppressed: 0, allSuppressed: false) }
        let headcounts = table.headcountTable.flatMap { self.table($0) }?.group(label)
        var total = 0.0, divisor = 0.0, used = 0
        for index in cells {
            let cell = group.cells[index]
            let denominator: Double?
            switch statistic {
            case .sum: denominator = 0
            case .mean: denominator = cell.value(of: .count)
            case .meanPerEmployee: denominator = headcounts.flatMap { $0.cells.indices.contains(index) ? $0.cells[index].sum : nil }
            case .count, .standardDeviation: denominator = nil
            }
            guard let sum = cell.value(of: .sum), let denominator else { continue }
            total += sum
            divisor += denominator
            used += 1
        }
        let suppressed = cells.filter { group.cells[$0].suppressed }.count
        let value = used == 0 ? nil : statistic == .sum ? total : divisor > 0 ? total / divisor : nil
        return Combined(value: value, suppressed: suppressed, allSuppressed: !cells.isEmpty && suppressed == cells.count)
    }
}
