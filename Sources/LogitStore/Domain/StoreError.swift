/// Why a `ModelStore` call failed.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case unknownModel(String)
    case unknownVersion(name: String, reference: String)
    case unknownJob(String)
    case conflict(String)

    public var description: String {
        switch self {
        case .unknownModel(let name): "no model named '\(name)'"
        case .unknownVersion(let name, let reference): "model '\(name)' has no version '\(reference)'"
        case .unknownJob(let id): "no job with id '\(id)'"
        case .conflict(let message): message
        }
    }
}
