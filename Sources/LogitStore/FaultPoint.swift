#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Named places in the store's writes where `scripts/check_durability.py` kills the process, so each crash it
/// checks is hit on purpose rather than by a lucky delay. `LOGIT_FAULT_POINT=<raw value>` arms one point: reaching it
/// prints `fault point <name>` to stderr and raises SIGKILL, as `kill -9` would. Without the variable no point can
/// fire; each costs one comparison with a value read once.
public enum FaultPoint: String, CaseIterable, Sendable {
    /// In a version's transaction: the model's version number is taken, the version row is not written yet.
    case versionMidWrite = "version-mid-write"
    /// In a version's transaction: the version row is written, its job's row not updated yet.
    case versionBeforeJobUpdate = "version-before-job-update"
    /// In a version's transaction: everything is written, the commit has not happened.
    case versionBeforeCommit = "version-before-commit"
    /// The version's transaction has committed; nothing after it (the change feed, the scheduler) has run.
    case versionAfterCommit = "version-after-commit"
    /// In an upload's transaction: the data set's row is written, the commit has not happened.
    case datasetMidStore = "dataset-mid-store"

    /// The armed point, read once. A name that is no point stops the process when the first point is passed, so a
    /// misspelt check cannot pass by never firing.
    static let armed: FaultPoint? = {
        guard let name = ProcessInfo.processInfo.environment["LOGIT_FAULT_POINT"], !name.isEmpty else { return nil }
        guard let point = FaultPoint(rawValue: name) else {
            fatalError("LOGIT_FAULT_POINT=\(name) names no fault point (\(allCases.map(\.rawValue)))")
        }
        return point
    }()

    /// Kills the process here when this point is armed.
    public func reach() {
        guard Self.armed == self else { return }
        let line = "fault point \(rawValue)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        raise(SIGKILL)
    }
}
