import Foundation

/// The values of one grid key: a list (`[0.1, 0.01]`, `["l1", "l2"]`), or a range of numbers,
/// `{"log_space": [from, to, count]}` (evenly spaced logarithms, as numpy's geomspace) or
/// `{"linear_space": [from, to, count]}`.
public enum GridValues: Sendable, Equatable {
    case list([JSONValue])
    case logSpace(from: Double, to: Double, count: Int)
    case linearSpace(from: Double, to: Double, count: Int)

    /// The values, or the problem with them.
    public func values() -> Result<[JSONValue], ValidationError> {
        func fail(_ message: String) -> Result<[JSONValue], ValidationError> {
            .failure(ValidationError(field: "grid", message))
        }
        switch self {
        case .list(let values):
            return values.isEmpty ? fail("a grid key needs at least one value") : .success(values)
        case .logSpace(let from, let to, let count), .linearSpace(let from, let to, let count):
            let logarithmic = if case .logSpace = self { true } else { false }
            guard from.isFinite, to.isFinite, count >= 1 else {
                return fail("a range is [from, to, count] with finite bounds and a count of at least 1")
            }
            if logarithmic && !(from > 0 && to > 0) { return fail("log_space needs positive bounds") }
            guard count > 1 else { return .success([.number(from)]) }
            let values = (0..<count).map { i -> JSONValue in
                let t = Double(i) / Double(count - 1)
                if i == count - 1 { return .number(to) }
                return .number(logarithmic ? exp(log(from) + t * (log(to) - log(from))) : from + t * (to - from))
            }
            return .success(values)
        }
    }
}

extension GridValues: Decodable {
    private enum RangeKeys: String, CodingKey, CaseIterable {
        case logSpace = "log_space"
        case linearSpace = "linear_space"
    }

    public init(from decoder: any Decoder) throws {
        if let list = try? decoder.singleValueContainer().decode([JSONValue].self) {
            self = .list(list)
            return
        }
        try decoder.rejectUnknownKeys(RangeKeys.self)
        let c = try decoder.container(keyedBy: RangeKeys.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw ValidationError(field: "grid", "a grid value is a list, or one of {\"log_space\": [from, to, count]} and {\"linear_space\": [from, to, count]}")
        }
        let range = try c.decode([Double].self, forKey: key)
        guard range.count == 3, range[2] == range[2].rounded(), range[2] >= 1, range[2] <= 10_000 else {
            throw ValidationError(field: "grid", "'\(key.stringValue)' takes [from, to, count], count a whole number from 1")
        }
        self = key == .logSpace ? .logSpace(from: range[0], to: range[1], count: Int(range[2]))
            : .linearSpace(from: range[0], to: range[1], count: Int(range[2]))
    }
}
