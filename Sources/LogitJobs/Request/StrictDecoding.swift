/// A coding key for any name, to list the keys a JSON object actually has.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// Thrown when a JSON object has a field the service does not know: a typo must not be silently ignored.
public struct UnknownFieldsError: Error, CustomStringConvertible {
    public let path: String
    public let fields: [String]
    public let known: [String]

    public var description: String {
        let where_ = path.isEmpty ? "" : " in '\(path)'"
        return "unknown field\(fields.count == 1 ? "" : "s") \(fields.map { "'\($0)'" }.joined(separator: ", "))\(where_); "
            + "known fields: \(known.joined(separator: ", "))"
    }
}

extension Decoder {
    /// Throws `UnknownFieldsError` if the object being decoded has keys outside `Keys`.
    public func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_: Keys.Type) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let known = Keys.allCases.map(\.stringValue)
        let unknown = container.allKeys.map(\.stringValue).filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw UnknownFieldsError(
                path: codingPath.map(\.stringValue).joined(separator: "."), fields: unknown, known: known)
        }
    }
}
