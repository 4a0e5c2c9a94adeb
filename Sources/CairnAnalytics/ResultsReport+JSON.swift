import Foundation

extension ResultsReport {
    /// The report as `results.json`: keys in the order of the declarations (the study's facts
    /// before its tables, a cell's labels before its values), a cell per line, absent statistics
    /// left out, dates in ISO 8601. ``decode(_:path:)`` and `JSONDecoder` read it back.
    public func jsonData() -> Data {
        var text = ""
        JSON.object([
            ("formatVersion", .number(Double(formatVersion))),
            ("study", .object([("id", .string(study.id)), ("title", .string(study.title)), ("description", JSON(study.description))])),
            ("computedAt", .string(ISO8601DateFormatter().string(from: computedAt))),
            ("contributors", .number(Double(contributors))),
            ("leftOut", JSON(leftOut.map(Double.init))),
            ("minimumCellSize", JSON(minimumCellSize.map(Double.init))),
            ("dominancePercent", JSON(dominancePercent)),
            ("computeParties", .array(computeParties.map {
                .object([("id", .string($0.id)), ("name", .string($0.name)), ("role", .string($0.role.rawValue))])
            })),
            ("tables", .array(tables.map(Self.json))),
            ("comparisons", comparisons.map { .array($0.map(Self.json)) } ?? .absent),
        ]).write(to: &text, indent: "")
        return Data((text + "\n").utf8)
    }

    private static func json(_ table: Table) -> JSON {
        .object([
            ("id", .string(table.id)), ("title", .string(table.title)), ("description", JSON(table.description)),
            ("kind", .string(table.kind.rawValue)), ("unit", .string(table.unit)),
            ("decimalPlaces", .number(Double(table.decimalPlaces))),
            ("rows", .array(table.rows.map(JSON.string))), ("columns", .array(table.columns.map(JSON.string))),
            ("statistics", .array(table.statistics.map { .string($0.rawValue) })),
            ("headcountTable", JSON(table.headcountTable)),
            ("groups", json(table.groups)),
            ("margins", table.margins.map { margins in
                .array(margins.map { margin in
                    .object([
                        ("id", .string(margin.id)), ("title", .string(margin.title)),
                        ("rows", .array(margin.rows.map(JSON.string))), ("columns", .array(margin.columns.map(JSON.string))),
                        ("groups", json(margin.groups)),
                    ])
                })
            } ?? .absent),
        ])
    }

    private static func json(_ groups: [Group]) -> JSON {
        .array(groups.map { group in
            .object([
                ("label", .string(group.label)), ("cohort", JSON(group.cohort)), ("option", JSON(group.option)),
                ("cells", .array(group.cells.map { cell in
                    .object([
                        ("row", .string(cell.row)), ("column", .string(cell.column)), ("suppressed", .bool(cell.suppressed)),
                        ("contributors", JSON(cell.contributors.map(Double.init))),
                        ("nonzeroContributors", JSON(cell.nonzeroContributors.map(Double.init))), ("sum", JSON(cell.sum)),
                        ("mean", JSON(cell.mean)), ("meanPerEmployee", JSON(cell.meanPerEmployee)),
                        ("standardDeviation", JSON(cell.standardDeviation)),
                    ])
                })),
            ])
        })
    }

    private static func json(_ comparison: Comparison) -> JSON {
        func side(_ side: Side) -> JSON {
            .object([
                ("label", .string(side.label)), ("value", JSON(side.value)),
                ("contributors", JSON(side.contributors.map(Double.init))), ("employees", JSON(side.employees)),
                ("withheld", .bool(side.withheld)),
            ])
        }
        return .object([
            ("id", .string(comparison.id)), ("title", .string(comparison.title)), ("margin", .string(comparison.margin)),
            ("table", .string(comparison.table)), ("statistic", .string(comparison.statistic.rawValue)),
            ("compare", .string(comparison.compare)), ("with", .string(comparison.with)),
            ("kind", .string(comparison.kind.rawValue)), ("unit", .string(comparison.unit)),
            ("gaps", .array(comparison.gaps.map { gap in
                .object([("row", .string(gap.row)), ("compare", side(gap.compare)), ("with", side(gap.with)), ("ratio", JSON(gap.ratio))])
            })),
        ])
    }
}

/// A JSON value whose objects keep their keys in order; `absent` members are left out.
enum JSON {
    case absent
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    init(_ string: String?) { self = string.map(JSON.string) ?? .absent }
    init(_ number: Double?) { self = number.map(JSON.number) ?? .absent }

    /// Objects and arrays that hold only numbers, strings and booleans go on one line; others
    /// put each member on a line of its own, indented by two spaces more than `indent`.
    func write(to text: inout String, indent: String) {
        switch self {
        case .absent: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .number(let value): text += Self.number(value)
        case .string(let value): Self.quote(value, to: &text)
        case .array(let items):
            let inner = indent + "  "
            if items.allSatisfy(\.isScalar) {
                text += "["
                for (index, item) in items.enumerated() {
                    text += index == 0 ? "" : ", "
                    item.write(to: &text, indent: inner)
                }
                text += "]"
                return
            }
            text += "[\n"
            for (index, item) in items.enumerated() {
                text += inner
                item.write(to: &text, indent: inner)
                text += index == items.count - 1 ? "\n" : ",\n"
            }
            text += indent + "]"
        case .object(let members):
            let present = members.filter { if case .absent = $0.1 { false } else { true } }
            let inline = present.allSatisfy { $0.1.isScalar }
            let inner = indent + "  "
            text += inline ? "{" : "{\n"
            for (index, (key, value)) in present.enumerated() {
                if !inline { text += inner } else if index > 0 { text += ", " }
                Self.quote(key, to: &text)
                text += ": "
                value.write(to: &text, indent: inner)
                if !inline { text += index == present.count - 1 ? "\n" : ",\n" }
            }
            text += inline ? "}" : indent + "}"
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    /// Whole numbers without a fraction; others in the shortest form that reads back exactly.
    private static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), value.magnitude < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    private static func quote(_ string: String, to text: inout String) {
        text += "\""
        text += ResultsReport.replacing(in: string) { scalar in
            escapes[scalar] ?? (scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029
                ? String(format: "\\u%04x", scalar.value) : nil)
        }
        text += "\""
    }

    private static let escapes: [Unicode.Scalar: String] = [
        "\"": "\\\"", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
    ]
}
