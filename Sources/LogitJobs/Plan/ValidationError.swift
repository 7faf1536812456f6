/// A training request that cannot run, with every problem found.
public struct ValidationError: Error, CustomStringConvertible {
    public var problems: [FieldProblem]

    public init(problems: [FieldProblem]) {
        self.problems = problems
    }

    init(field: String, _ message: String) {
        self.init(problems: [FieldProblem(field: field, message: message)])
    }

    public var description: String {
        problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
    }
}
