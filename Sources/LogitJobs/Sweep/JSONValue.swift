import Foundation

/// Any JSON value: a sweep's base request and grid values are edited as JSON (a grid key is a dotted path into the
/// request), then decoded as a `TrainRequest` like any `POST /train` body.
public enum JSONValue: Codable, Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let value = try? c.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? c.decode(Double.self) {
            self = .number(value)
        } else if let value = try? c.decode(String.self) {
            self = .string(value)
        } else if let value = try? c.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let value): try c.encode(value)
        // Whole numbers are written without a fraction, so that integer fields (batch_size, hidden) decode them.
        case .number(let value) where value == value.rounded() && abs(value) < 1e15: try c.encode(Int64(value))
        case .number(let value): try c.encode(value)
        case .string(let value): try c.encode(value)
        case .array(let value): try c.encode(value)
        case .object(let value): try c.encode(value)
        }
    }

    public var number: Double? {
        if case .number(let value) = self { value } else { nil }
    }

    /// The value as compact JSON, keys sorted.
    public var description: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// This object with `value` at the dotted `path` (`regularization.lambda`), making objects on the way.
    public func setting(_ path: [Substring], to value: JSONValue) -> JSONValue {
        guard let key = path.first else { return value }
        var object: [String: JSONValue] = if case .object(let existing) = self { existing } else { [:] }
        object[String(key)] = (object[String(key)] ?? .null).setting(Array(path.dropFirst()), to: value)
        return .object(object)
    }
}
