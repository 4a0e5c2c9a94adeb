/// What an analyst declares about a study, as written in its JSON file (see
/// `docs/STUDY-DEFINITION.md`): the tables contributors fill in, the rules their numbers must
/// follow, the cohorts, the statistics wanted, the compute parties and who receives the results.
///
/// The file is meant to be read by people who are not programmers, so optional fields are
/// optional in the JSON, and labels can be written once and reused (``labelLists``) or combined
/// (``Labels/combine(_:)``). Load it with ``load(from:)-(Data)``, which also runs ``validate()``.
public struct StudyDefinition: Codable, Sendable, Equatable {
    /// The version of this file format. Only `1` exists; written as `"formatVersion": 1`.
    public var formatVersion: Int?
    /// A short identifier: letters, digits, `-` and `_`, starting with a letter.
    public var id: String
    public var title: String
    /// Free text for contributors: what the study is for, what to enter.
    public var description: String?
    /// Named lists of labels that tables can use as their rows or columns.
    public var labelLists: [String: Labels]?
    public var tables: [Table]
    /// Rules that relate cells of several tables (for example, no pay without employees).
    public var rules: [CrossTableRule]?
    /// Groups that results are also broken down by (for example, industry).
    public var cohorts: [Cohort]?
    public var statistics: Statistics
    /// Totals over groups of rows and columns, computed and suppressed like cells (``Margin``).
    public var margins: [Margin]?
    /// The comparisons the report leads with, computed from margins (``Comparison``).
    public var comparisons: [Comparison]?
    /// Two or three compute parties, in party order: the first is party 1.
    public var computeParties: [ComputeParty]
    /// The ``ComputeParty/id`` of each party that receives the results (the analyst).
    public var recipients: [String]
    /// Web origins other than the service's own that may host the contributor's page and call
    /// the study's contributor API from there (CORS), for example `https://analyst.example.org`:
    /// `https://` origins, or `http://localhost` and `http://127.0.0.1` (with any port) for
    /// tests; no path. `nil` or empty: the page is served by the study service only.
    public var pageOrigins: [String]?

    public init(
        formatVersion: Int? = 1, id: String, title: String, description: String? = nil,
        labelLists: [String: Labels]? = nil, tables: [Table], rules: [CrossTableRule]? = nil,
        cohorts: [Cohort]? = nil, statistics: Statistics, margins: [Margin]? = nil, comparisons: [Comparison]? = nil,
        computeParties: [ComputeParty], recipients: [String], pageOrigins: [String]? = nil
    ) {
        self.margins = margins
        self.comparisons = comparisons
        self.pageOrigins = pageOrigins
        self.formatVersion = formatVersion
        self.id = id
        self.title = title
        self.description = description
        self.labelLists = labelLists
        self.tables = tables
        self.rules = rules
        self.cohorts = cohorts
        self.statistics = statistics
        self.computeParties = computeParties
        self.recipients = recipients
    }

    /// The largest magnitude a cell may hold (after scaling by its decimal places): a trillion.
    /// It leaves room for sums over many contributors in the ring Z/2^64.
    public static let largestMagnitude: Int64 = 1_000_000_000_000
}

extension StudyDefinition {
    /// Row or column labels: a list (`["Female", "Male"]`), the name of one of the study's
    /// ``StudyDefinition/labelLists`` (`"job categories"`), or every combination of several lists
    /// (`{"combine": [["Asian", "White"], ["Female", "Male"]]}` gives `"Asian / Female"`,
    /// `"Asian / Male"`, `"White / Female"`, `"White / Male"`).
    public enum Labels: Codable, Sendable, Equatable {
        case list([String])
        case named(String)
        case combine([[String]])

        /// The separator between the parts of a combined label.
        public static let combinationSeparator = " / "

        private enum Keys: String, CodingKey { case combine }

        public init(from decoder: any Decoder) throws {
            if let container = try? decoder.singleValueContainer() {
                if let list = try? container.decode([String].self) { self = .list(list); return }
                if let name = try? container.decode(String.self) { self = .named(name); return }
            }
            let object = try decoder.container(keyedBy: Keys.self)
            self = .combine(try object.decode([[String]].self, forKey: .combine))
        }

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .list(let list):
                var container = encoder.singleValueContainer()
                try container.encode(list)
            case .named(let name):
                var container = encoder.singleValueContainer()
                try container.encode(name)
            case .combine(let parts):
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(parts, forKey: .combine)
            }
        }
    }

    /// One table contributors fill in: rows × columns of cells of one ``Kind``.
    public struct Table: Codable, Sendable, Equatable {
        /// A short identifier, used in the CSV form and in rules: letters, digits, `-` and `_`.
        public var id: String
        public var title: String
        /// Free text for contributors: what exactly to count or add up.
        public var description: String?
        public var kind: Kind
        public var rows: Labels
        public var columns: Labels
        /// The rules for every cell of the table.
        public var validation: CellRules?
        /// Different rules for some rows, columns or cells; later entries win.
        public var overrides: [Override]?
        /// A `count` table with the same rows and columns: this table's cells are divided by its
        /// cells for the `meanPerEmployee` statistic.
        public var headcountTable: String?
        /// The statistics for this table, instead of the study's ``Statistics/compute``.
        public var statistics: [Statistic]?

        public init(
            id: String, title: String, description: String? = nil, kind: Kind, rows: Labels, columns: Labels,
            validation: CellRules? = nil, overrides: [Override]? = nil, headcountTable: String? = nil,
            statistics: [Statistic]? = nil
        ) {
            self.id = id
            self.title = title
            self.description = description
            self.kind = kind
            self.rows = rows
            self.columns = columns
            self.validation = validation
            self.overrides = overrides
            self.headcountTable = headcountTable
            self.statistics = statistics
        }
    }

    /// What a table's cells hold.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A number of people: a whole number, 0 or more.
        case count
        /// An amount of money in whole US dollars (no cents), 0 or more unless a negative
        /// `minimum` is set.
        case money
        /// A number of months (for example, total length of service): a whole number, 0 or more.
        case months
        /// Any number; whole unless `decimalPlaces` is set; no minimum unless one is set.
        case number

        /// How the kind is described to contributors.
        public var plainDescription: String {
            switch self {
            case .count: "a number of people"
            case .money: "an amount in whole US dollars"
            case .months: "a number of months"
            case .number: "a number"
            }
        }
    }

    /// What a cell must satisfy. Every field is optional; unset fields take the table's value,
    /// then the kind's default.
    public struct CellRules: Codable, Sendable, Equatable {
        /// The cell must be filled in (default: `false`, empty cells are allowed).
        public var required: Bool?
        /// The smallest allowed value (default: 0 for `count`, `money` and `months`; none for `number`).
        public var minimum: Double?
        /// The largest allowed value (default: none, apart from a trillion).
        public var maximum: Double?
        /// Digits allowed after the decimal point (default 0: whole numbers only). Only for
        /// `number` tables, at most 6. A value is stored as value × 10^decimalPlaces.
        public var decimalPlaces: Int?

        public init(required: Bool? = nil, minimum: Double? = nil, maximum: Double? = nil, decimalPlaces: Int? = nil) {
            self.required = required
            self.minimum = minimum
            self.maximum = maximum
            self.decimalPlaces = decimalPlaces
        }

        /// `other`'s set fields replace these.
        func overridden(by other: CellRules?) -> CellRules {
            guard let other else { return self }
            return CellRules(
                required: other.required ?? required, minimum: other.minimum ?? minimum,
                maximum: other.maximum ?? maximum, decimalPlaces: other.decimalPlaces ?? decimalPlaces)
        }
    }

    /// Rules for one row (all its columns), one column (all its rows) or one cell.
    public struct Override: Codable, Sendable, Equatable {
        public var row: String?
        public var column: String?
        public var validation: CellRules

        public init(row: String? = nil, column: String? = nil, validation: CellRules) {
            self.row = row
            self.column = column
            self.validation = validation
        }
    }

    /// A rule over cells at the same row and column of several tables, which must all have the
    /// same rows and columns.
    public struct CrossTableRule: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            /// In every listed table the cell is zero (or empty), or in none of them.
            case zeroTogether
            /// The cell of the first table is not greater than the cell of the second (when both
            /// are filled in); for example, performance pay is part of total compensation.
            case notGreaterThan
        }

        public var rule: Kind
        public var tables: [String]

        public init(rule: Kind, tables: [String]) {
            self.rule = rule
            self.tables = tables
        }
    }

    /// A question that puts each contributor in one group, such as their industry.
    public struct Cohort: Codable, Sendable, Equatable {
        /// Who answers the question.
        public enum Source: String, Codable, Sendable, CaseIterable {
            /// The contributor chooses an option when submitting. The choice is secret-shared like
            /// the cells (one indicator per option).
            case contributor
            /// The option comes with the contributor's participation link, so the service knows it.
            case link
        }

        public var id: String
        /// The question as contributors see it, for example "Which industry is your organization in?".
        public var question: String
        public var options: [String]
        /// Default: `contributor`.
        public var assignedBy: Source?

        public init(id: String, question: String, options: [String], assignedBy: Source? = nil) {
            self.id = id
            self.question = question
            self.options = options
            self.assignedBy = assignedBy
        }

        public var source: Source { assignedBy ?? .contributor }
    }

    /// A statistic computed for every cell, over all contributors and for each cohort option.
    public enum Statistic: String, Codable, Sendable, CaseIterable {
        /// The number of contributors who filled the cell in.
        case count
        /// The sum of the cell over contributors.
        case sum
        /// `sum ÷ count`: the average contributor's value.
        case mean
        /// `sum ÷ headcount sum`: the average per employee (tables with a `headcountTable`).
        case meanPerEmployee
        /// The standard deviation of the cell over the contributors who filled it in. Needs
        /// products of secret values, so three compute parties.
        case standardDeviation

        /// Whether two compute parties, which can only add up shares, can compute it.
        public var isLinear: Bool { self != .standardDeviation }
    }

    /// The statistics wanted for every table (unless a table lists its own) and the suppression
    /// of small cells.
    public struct Statistics: Codable, Sendable, Equatable {
        public var compute: [Statistic]
        /// A cell's results are withheld (for all contributors, or for a cohort option) when
        /// fewer contributors filled it in, or, for tables with a headcount, when the summed
        /// headcount is smaller. Needs a secure comparison, so three compute parties.
        public var minimumCellSize: Int?
        /// The dominance rule for magnitude tables (money, months): a cell is also withheld when
        /// its largest contributor holds more than this share of its total. Three compute parties.
        public var dominance: Dominance?

        public init(compute: [Statistic], minimumCellSize: Int? = nil, dominance: Dominance? = nil) {
            self.compute = compute
            self.minimumCellSize = minimumCellSize
            self.dominance = dominance
        }
    }

    /// An organization that runs one of the compute parties.
    public struct ComputeParty: Codable, Sendable, Equatable {
        public enum Role: String, Codable, Sendable, CaseIterable {
            /// Runs the service that contributors submit to.
            case serviceProvider
            /// Defines the study and receives its results.
            case analyst
            /// Neither: an organization trusted not to collude with the others.
            case independent
        }

        /// A short identifier, used in ``StudyDefinition/recipients``.
        public var id: String
        /// The organization, as contributors should see it.
        public var name: String
        public var role: Role
        /// Where the other parties reach it: `host:port`.
        public var address: String
        /// The HPKE P-256 public key contributors encrypt this party's shares to: base64 of its
        /// 65-byte uncompressed x9.63 representation.
        public var submissionKey: String
        /// The SHA-256 fingerprint of its TLS certificate, as `cairn keys fingerprint` prints it
        /// (32 colon-separated hex pairs).
        public var certificateFingerprint: String?

        public init(
            id: String, name: String, role: Role, address: String, submissionKey: String,
            certificateFingerprint: String? = nil
        ) {
            self.id = id
            self.name = name
            self.role = role
            self.address = address
            self.submissionKey = submissionKey
            self.certificateFingerprint = certificateFingerprint
        }
    }
}

extension StudyDefinition {
    /// The labels `labels` stands for, or `nil` if it names a list the study does not have.
    public func resolve(_ labels: Labels) -> [String]? {
        switch labels {
        case .list(let list): return list
        case .named(let name):
            guard let named = labelLists?[name] else { return nil }
            if case .named = named { return nil }  // no chains of names
            return resolve(named)
        case .combine(let parts):
            return parts.reduce([""]) { prefixes, part in
                prefixes.flatMap { prefix in
                    part.map { prefix.isEmpty ? $0 : prefix + Labels.combinationSeparator + $0 }
                }
            }
        }
    }

    /// The table's row labels (empty if they name an unknown list).
    public func rowLabels(of table: Table) -> [String] { resolve(table.rows) ?? [] }

    /// The table's column labels (empty if they name an unknown list).
    public func columnLabels(of table: Table) -> [String] { resolve(table.columns) ?? [] }

    /// The table with this id.
    public func table(_ id: String) -> Table? { tables.first { $0.id == id } }

    /// The study's cohorts (none if the file has no `cohorts`).
    public var allCohorts: [Cohort] { cohorts ?? [] }

    /// The study's cross-table rules (none if the file has no `rules`).
    public var allRules: [CrossTableRule] { rules ?? [] }

    /// The statistics computed for a table: its own list, or the study's.
    public func statistics(for table: Table) -> [Statistic] {
        let wanted = table.statistics ?? statistics.compute
        // A study-wide meanPerEmployee applies to tables that have a headcount only.
        return table.statistics == nil && table.headcountTable == nil ? wanted.filter { $0 != .meanPerEmployee } : wanted
    }

    /// The rules for the cell at `row`, `column` (indices) of `table`: the kind's defaults, then
    /// the table's `validation`, then the matching overrides in order.
    public func cellRules(table: Table, row: Int, column: Int) -> CellRules {
        let defaults = CellRules(
            required: false, minimum: table.kind == .number ? nil : 0, maximum: nil, decimalPlaces: 0)
        var rules = defaults.overridden(by: table.validation)
        let rowLabel = rowLabels(of: table)[row]
        let columnLabel = columnLabels(of: table)[column]
        for override in table.overrides ?? []
        where (override.row.map { $0 == rowLabel } ?? true) && (override.column.map { $0 == columnLabel } ?? true) {
            rules = rules.overridden(by: override.validation)
        }
        return rules
    }
}
