/// How a request names a version: a number, `latest`, or an alias.
public enum VersionReference: Sendable, Equatable, CustomStringConvertible {
    case number(Int)
    case latest
    case alias(String)

    public init(_ text: String) {
        if let number = Int(text) {
            self = .number(number)
        } else if text == "latest" {
            self = .latest
        } else {
            self = .alias(text)
        }
    }

    public var description: String {
        switch self {
        case .number(let number): String(number)
        case .latest: "latest"
        case .alias(let alias): alias
        }
    }
}
