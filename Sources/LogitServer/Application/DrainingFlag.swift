import Hummingbird
import LogitStore
import Synchronization

/// Set when a graceful shutdown begins.
final class DrainingFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isDraining: Bool { flag.load(ordering: .relaxed) }
}
