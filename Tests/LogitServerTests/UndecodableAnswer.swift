/// An answer a test could not decode as the API type it expected: the message shows why, and the body.
struct UndecodableAnswer: Error, CustomStringConvertible {
    let type: String
    let body: String
    let error: any Error

    var description: String { "the answer is not a \(type) (\(error)): \(body.prefix(2000))" }
}
