extension StudyDefinition {
    /// A comparison the report leads with, e.g. women's compensation per employee against men's,
    /// per job category and overall (see `docs/STUDY-DEFINITION.md`, "Comparisons"). It is computed
    /// by the recipient from a margin's revealed totals; where either side is suppressed the
    /// report says "not enough data".
    ///
    /// ```json
    /// { "id": "gender", "title": "Women's pay compared with men's",
    ///   "margin": "jobGender", "table": "compensation", "statistic": "meanPerEmployee",
    ///   "compare": "Female", "with": "Male" }
    /// ```
    /// `"compare": "each", "with": "others"` compares every column group of the margin (but
    /// ``StudyDefinition/allLabel``) with all the others together (the `All` group minus it).
    public struct Comparison: Codable, Sendable, Equatable {
        /// A short identifier: letters, digits, `-` and `_`.
        public var id: String
        public var title: String
        /// The margin whose column groups are compared, row group by row group.
        public var margin: String
        /// The table of the margin whose totals are compared.
        public var table: String
        /// `meanPerEmployee` (the table needs a headcount table) or `mean`. Default `meanPerEmployee`.
        public var statistic: Statistic?
        /// A column group label of the margin, or `each`.
        public var compare: String
        /// A column group label of the margin, or `others`.
        public var with: String

        public init(
            id: String, title: String, margin: String, table: String, statistic: Statistic? = nil,
            compare: String, with: String
        ) {
            self.id = id
            self.title = title
            self.margin = margin
            self.table = table
            self.statistic = statistic
            self.compare = compare
            self.with = with
        }
    }

    /// The dominance rule for magnitude tables: a cell is suppressed when its largest contributor
    /// holds more than `percent` % of its total.
    public struct Dominance: Codable, Sendable, Equatable {
        public var percent: Double

        public init(percent: Double) { self.percent = percent }
    }
}

extension StudyDefinition {
    /// The word a comparison's `with` uses for every column group but the compared one.
    public static let othersWord = "others"
    /// The word a comparison's `compare` uses for every column group in turn.
    public static let eachWord = "each"

    /// The labels of a margin's row groups and column groups, in the order the margin's cells
    /// index them: `.each` gives one group per label in label order, `.all` one group labelled
    /// ``allLabel``, `.part(n)` one group per distinct `n`-th part of the combined labels in
    /// list order. Labels come from the margin's first table (its tables all have the
    /// same rows and columns); empty if that table is unknown.
    public static func marginGroups(definition: StudyDefinition, margin: Margin) -> (rows: [String], columns: [String]) {
        guard let table = margin.tables.first.flatMap(definition.table) else { return ([], []) }
        // The same expansion the computation uses (MarginLayout), so labels and cells line up.
        return (
            definition.groups(margin.rows, of: table.rows).map(\.label),
            definition.groups(margin.columns, of: table.columns).map(\.label))
    }
}
