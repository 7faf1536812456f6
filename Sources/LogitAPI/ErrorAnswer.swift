import LogitJobs

/// The API's error answer (`Error` in public/openapi.yaml): a sentence for people, a stable code for programs, and
/// the fields at fault when the request did not validate. `details` is left out rather than written as null.
public struct ErrorAnswer: Codable, Sendable, Equatable {
    public var message: String
    public var code: String
    public var details: [FieldProblem]?

    public init(message: String, code: String, details: [FieldProblem]? = nil) {
        self.message = message
        self.code = code
        self.details = details
    }

    enum CodingKeys: String, CodingKey {
        case code, details
        case message = "error"
    }
}
