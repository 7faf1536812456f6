/// Why a store call failed.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case unknownModel(String)
    case unknownVersion(name: String, reference: String)
    case unknownJob(String)
    case unknownSweep(String)
    case conflict(String)
    /// The job's lease is no longer held by the caller (cancelled, or handed to another replica).
    case leaseLost(jobId: String)
    /// The database cannot be reached now; the same call may succeed later.
    case unavailable(String)

    public var description: String {
        switch self {
        case .unknownModel(let name): "no model named '\(name)'"
        case .unknownVersion(let name, let reference): "model '\(name)' has no version '\(reference)'"
        case .unknownJob(let id): "no job with id '\(id)'"
        case .unknownSweep(let id): "no sweep with id '\(id)'"
        case .conflict(let message): message
        case .leaseLost(let id): "job '\(id)' is no longer leased to this replica"
        case .unavailable(let reason): "the database is unavailable: \(reason)"
        }
    }
}
