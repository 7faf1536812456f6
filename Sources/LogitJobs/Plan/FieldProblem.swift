/// A problem with a request field, said so the user knows what to change.
public struct FieldProblem: Codable, Sendable, Equatable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
