/// One thing wrong with a study definition, a contributor's numbers or a CSV file, in words the
/// person who wrote it can act on.
///
/// `place` says where (`table "salaries", row "Sales", column "Female"`, or `line 4, column C`);
/// it is empty for a problem with the whole file.
public struct StudyDefinitionProblem: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var place: String
    public var message: String

    public init(place: String, message: String) {
        self.place = place
        self.message = message
    }

    /// `place: message`, or just the message.
    public var description: String { place.isEmpty ? message : "\(place): \(message)" }
}

/// A study definition, a submission or a CSV file that cannot be used, with every problem found.
public struct StudyProblems: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was read: a file path, "the study definition", "the CSV file", "the submission".
    public var subject: String
    public var problems: [StudyDefinitionProblem]

    public init(subject: String, problems: [StudyDefinitionProblem]) {
        self.subject = subject
        self.problems = problems
    }

    /// One line saying what cannot be used, then one line per problem.
    public var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return "\(subject) has \(count):\n" + problems.map { "  - \($0.description)" }.joined(separator: "\n")
    }
}
