extension StudyDefinition {
    /// Totals over groups of a table's rows and columns, computed inside MPC from the shares like
    /// every cell, each with its own suppression (see `docs/STUDY-DEFINITION.md`, "Margins").
    ///
    /// ```json
    /// { "id": "jobGender", "title": "By job category and gender",
    ///   "tables": ["employees", "compensation"],
    ///   "rows": ["each", "all"], "columns": { "part": 2 } }
    /// ```
    /// gives, for every listed table, a small table whose rows are each job category and then all
    /// of them, and whose columns are the second part of the combined column labels (the genders),
    /// each summed over the first part (the races).
    public struct Margin: Codable, Sendable, Equatable {
        /// A short identifier: letters, digits, `-` and `_`.
        public var id: String
        public var title: String
        /// The tables it totals; they must all have the same rows and columns.
        public var tables: [String]
        /// How the table's rows are grouped.
        public var rows: Grouping
        /// How the table's columns are grouped.
        public var columns: Grouping

        public init(id: String, title: String, tables: [String], rows: Grouping, columns: Grouping) {
            self.id = id
            self.title = title
            self.tables = tables
            self.rows = rows
            self.columns = columns
        }
    }

    /// The groups of one axis of a margin, in order: written as one grouping or a list of them.
    public struct Grouping: Codable, Sendable, Equatable {
        public var parts: [Group]

        public init(_ parts: [Group]) { self.parts = parts }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let list = try? container.decode([Group].self) {
                parts = list
            } else {
                parts = [try container.decode(Group.self)]
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            if parts.count == 1 { try container.encode(parts[0]) } else { try container.encode(parts) }
        }
    }

    /// One way of grouping an axis's labels.
    public enum Group: Codable, Sendable, Equatable {
        /// Every label on its own.
        case each
        /// All labels together, as one group labelled ``StudyDefinition/allLabel``.
        case all
        /// Labels grouped by their `n`-th part (from 1) of a combined label (``Labels/combine(_:)``),
        /// summing over the other parts: `{"part": 2}`.
        case part(Int)

        private enum Keys: String, CodingKey { case part }

        public init(from decoder: any Decoder) throws {
            if let container = try? decoder.singleValueContainer(), let word = try? container.decode(String.self) {
                switch word {
                case "each": self = .each
                case "all": self = .all
                default:
                    throw DecodingError.dataCorruptedError(
                        in: container, debugDescription: "a grouping is \"each\", \"all\" or {\"part\": n}, not \"\(word)\"")
                }
                return
            }
            let object = try decoder.container(keyedBy: Keys.self)
            self = .part(try object.decode(Int.self, forKey: .part))
        }

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .each:
                var container = encoder.singleValueContainer()
                try container.encode("each")
            case .all:
                var container = encoder.singleValueContainer()
                try container.encode("all")
            case .part(let n):
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(n, forKey: .part)
            }
        }
    }

    /// The label of a margin group that takes every label of its axis.
    public static let allLabel = "All"

    /// The study's margins (none if the file has no `margins`).
    public var allMargins: [Margin] { margins ?? [] }

    /// The study's comparisons (none if the file has no `comparisons`).
    public var allComparisons: [Comparison] { comparisons ?? [] }

    /// The dominance rule, if the study sets one.
    public var dominancePercent: Double? { statistics.dominance?.percent }
}

extension StudyDefinition.Kind {
    /// Money and months: a cell's contributors are counted towards the minimum cell size only
    /// when their value is not zero, and the dominance rule applies.
    public var isMagnitude: Bool { self == .money || self == .months }
}
