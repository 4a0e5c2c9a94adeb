extension StudyDefinition {
    /// How many labels `labels` stands for, counted without building any of them (a `combine` of
    /// a few long lists stands for their product), or `nil` if it names a list the study does not
    /// have. Saturates at `Int.max`.
    ///
    /// - Complexity: O(number of lists combined), whatever the count.
    public func labelCount(_ labels: Labels) -> Int? {
        switch labels {
        case .list(let list): return list.count
        case .named(let name):
            guard let named = labelLists?[name] else { return nil }
            if case .named = named { return nil }  // no chains of names
            return labelCount(named)
        case .combine(let parts):
            return parts.reduce(1) { product, part in Self.saturatingProduct(product, part.count) }
        }
    }

    /// The study's cells over all tables, counted without building any label (saturates at `Int.max`).
    public var cellCountWithoutExpanding: Int {
        tables.reduce(0) { total, table in
            let cells = Self.saturatingProduct(labelCount(table.rows) ?? 0, labelCount(table.columns) ?? 0)
            let (sum, overflow) = total.addingReportingOverflow(cells)
            return overflow ? Int.max : sum
        }
    }

    /// The problem with the study's size, if a label list or the tables are too large to build:
    /// checked before any label is expanded, so that a small file whose `combine` lists stand for
    /// billions of labels is refused at once instead of exhausting memory.
    func sizeProblem() -> StudyDefinitionProblem? {
        for name in (labelLists ?? [:]).keys.sorted() {
            guard let count = labelLists.flatMap({ $0[name] }).flatMap(labelCount), count > Self.largestCellCount else {
                continue
            }
            return StudyDefinitionProblem(
                place: "label list \"\(name)\"",
                message: "stands for \(Self.describeCount(count)) labels; a study may have at most \(Self.largestCellCount) cells")
        }
        let cells = cellCountWithoutExpanding
        guard cells > Self.largestCellCount else { return nil }
        return StudyDefinitionProblem(
            place: "field \"tables\"",
            message: "the tables have \(Self.describeCount(cells)) cells in all; a study may have at most \(Self.largestCellCount) cells")
    }

    private static func saturatingProduct(_ lhs: Int, _ rhs: Int) -> Int {
        let (product, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        return overflow ? Int.max : product
    }

    private static func describeCount(_ count: Int) -> String {
        count == Int.max ? "more than 10^18" : String(count)
    }
}
