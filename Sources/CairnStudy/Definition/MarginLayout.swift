/// The study's margins expanded into margin cells: for every ``StudyDefinition/Margin`` and each
/// of its tables, a small table whose rows and columns are the margin's row and column groups,
/// each cell the sum of the table cells its groups cover (see "Margins" in
/// `docs/STUDY-DEFINITION.md`).
///
/// Margin cells are numbered after the ``CellLayout`` cells: margin by margin in the study's order,
/// within a margin table by table in its `tables` order, then row group by row group (row-major).
public struct MarginLayout: Sendable, Equatable {
    /// One group of an axis: its label and the indices of the labels it covers.
    public struct Group: Sendable, Equatable {
        public var label: String
        public var members: [Int]
        /// Which of the axis's groupings (``StudyDefinition/Grouping/parts``) made it: the groups
        /// of one grouping cover the axis once.
        public var grouping: Int = 0
    }

    /// One margin cell.
    public struct Cell: Sendable, Equatable {
        public var margin: String
        public var table: String
        /// Indices of the margin's row and column groups.
        public var row: Int
        public var column: Int
        /// The numbers (``CellLayout`` order) of the table cells it adds up, ascending.
        public var baseCells: [Int]
        /// Its family: the margin cells of one table made by the same row and column groupings,
        /// which cover the table once.
        public var family: String { "\(margin)/\(table)/\(rowGrouping)/\(columnGrouping)" }
        var rowGrouping: Int
        var columnGrouping: Int
    }

    /// One margin's groups (the same for all its tables).
    public struct Axes: Sendable, Equatable {
        public var margin: String
        public var rows: [Group]
        public var columns: [Group]
    }

    public let axes: [Axes]
    public let cells: [Cell]

    /// The expansion of `definition`'s margins; margins with problems (``marginProblems``) are
    /// left out.
    public init(_ definition: StudyDefinition) {
        let layout = definition.cellLayout
        var axes: [Axes] = [], cells: [Cell] = []
        for margin in definition.allMargins where definition.problems(ofMargin: margin).isEmpty {
            guard let first = margin.tables.first.flatMap(definition.table) else { continue }
            let rows = definition.groups(margin.rows, of: first.rows)
            let columns = definition.groups(margin.columns, of: first.columns)
            axes.append(Axes(margin: margin.id, rows: rows, columns: columns))
            for table in margin.tables {
                guard let block = layout.tables.first(where: { $0.table == table }) else { continue }
                for (r, rowGroup) in rows.enumerated() {
                    for (c, columnGroup) in columns.enumerated() {
                        let base = rowGroup.members.flatMap { row in
                            columnGroup.members.map { block.firstCell + row * block.columns + $0 }
                        }
                        cells.append(Cell(
                            margin: margin.id, table: table, row: r, column: c, baseCells: base.sorted(),
                            rowGrouping: rowGroup.grouping, columnGrouping: columnGroup.grouping))
                    }
                }
            }
        }
        self.axes = axes
        self.cells = cells
    }

    /// The number of the margin cell of `margin`, `table` at group `row`, `column`, counted from 0
    /// among margin cells.
    public func cellIndex(margin: String, table: String, row: Int, column: Int) -> Int? {
        cells.firstIndex { $0.margin == margin && $0.table == table && $0.row == row && $0.column == column }
    }
}

extension StudyDefinition {
    /// The margins expanded into cells.
    public var marginLayout: MarginLayout { MarginLayout(self) }

    /// The groups `grouping` makes of an axis with these labels, in order.
    func groups(_ grouping: Grouping, of labels: Labels) -> [MarginLayout.Group] {
        let resolved = resolve(labels) ?? []
        var groups: [MarginLayout.Group] = []
        for (index, part) in grouping.parts.enumerated() {
            let before = groups.count
            defer { for k in before..<groups.count { groups[k].grouping = index } }
            switch part {
            case .each:
                groups += resolved.enumerated().map { MarginLayout.Group(label: $1, members: [$0]) }
            case .all:
                groups.append(MarginLayout.Group(label: Self.allLabel, members: Array(resolved.indices)))
            case .part(let n):
                guard let parts = combinedParts(labels), (1...parts.count).contains(n) else { continue }
                // Combined labels run through the last list fastest: label i has part n at
                // (i / (product of the later lists' sizes)) mod (size of list n).
                let stride = parts[n...].reduce(1) { $0 * $1.count }
                groups += parts[n - 1].enumerated().map { option, label in
                    MarginLayout.Group(
                        label: label, members: resolved.indices.filter { ($0 / stride) % parts[n - 1].count == option })
                }
            }
        }
        return groups
    }

    /// The lists a combined axis is made of, or `nil` if the labels are not combined.
    func combinedParts(_ labels: Labels) -> [[String]]? {
        switch labels {
        case .combine(let parts): return parts
        case .named(let name):
            guard let named = labelLists?[name], case .combine(let parts) = named else { return nil }
            return parts
        case .list: return nil
        }
    }

    /// Everything wrong with one margin, in plain words (empty when it can be computed).
    func problems(ofMargin margin: Margin) -> [String] {
        var problems: [String] = []
        if margin.title.trimmed.isEmpty { problems.append("has an empty \"title\"") }
        if margin.tables.isEmpty { problems.append("lists no \"tables\"; name the tables it totals") }
        if Set(margin.tables).count != margin.tables.count { problems.append("lists a table more than once") }
        let known = margin.tables.compactMap { id -> Table? in
            guard let table = table(id) else {
                problems.append("names table \"\(id)\", which is not a table in this study")
                return nil
            }
            return table
        }
        if let first = known.first {
            for other in known.dropFirst()
            where rowLabels(of: first) != rowLabels(of: other) || columnLabels(of: first) != columnLabels(of: other) {
                problems.append("tables \"\(first.id)\" and \"\(other.id)\" must have the same rows and columns, in the same order")
            }
            for (axis, grouping, labels) in [("rows", margin.rows, first.rows), ("columns", margin.columns, first.columns)] {
                if grouping.parts.isEmpty { problems.append("\"\(axis)\" is empty; use \"each\", \"all\" or {\"part\": n}") }
                if Set(grouping.parts.map { "\($0)" }).count != grouping.parts.count {
                    problems.append("\"\(axis)\" lists the same grouping more than once")
                }
                for case .part(let n) in grouping.parts {
                    guard let parts = combinedParts(labels) else {
                        problems.append("\"\(axis)\" asks for {\"part\": \(n)}, but the \(axis) of table \"\(first.id)\" are not combined labels (\"combine\")")
                        continue
                    }
                    if !(1...parts.count).contains(n) {
                        problems.append("\"\(axis)\" asks for {\"part\": \(n)}, but the \(axis) of table \"\(first.id)\" combine \(parts.count) lists; use a part from 1 to \(parts.count)")
                    }
                }
            }
        }
        return problems
    }
}
