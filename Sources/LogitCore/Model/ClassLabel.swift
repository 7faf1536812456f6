/// A class as the data set names it: an integer (an MNIST digit, a breast-cancer class 2 or 4), or a name for a
/// group of classes (the negative side of a binary task such as "rest").
public enum ClassLabel: Sendable, Hashable, CustomStringConvertible {
    case integer(Int)
    case name(String)

    public var description: String {
        switch self {
        case .integer(let value): String(value)
        case .name(let value): value
        }
    }
}

extension ClassLabel: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else {
            self = .name(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .integer(let value): try container.encode(value)
        case .name(let value): try container.encode(value)
        }
    }
}
