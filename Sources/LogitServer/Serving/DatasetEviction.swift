import LogitData
import ServiceLifecycle

/// Drops data sets left unused for `dataset_idle_seconds` even when nothing asks the registry for a data set (it
/// also sweeps on every use): an idle service gives their memory back. The next job or picture loads them again.
/// It also removes the staging folders uploads left when their process was killed (`removeAbandonedStaging`).
struct DatasetEviction: Service {
    let datasets: DatasetRegistry

    func run() async throws {
        datasets.removeAbandonedStaging()
        // A service that returns shuts the whole application down: without a limit, wait for the shutdown.
        guard let idleLimit = datasets.idleLimit else {
            try? await gracefulShutdown()
            return
        }
        // Often enough that a data set goes within a quarter of the limit of its last use; never busier than 1/s.
        let interval = max(.seconds(1), min(idleLimit / 4, .seconds(60)))
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            datasets.evictIdle()
            datasets.removeAbandonedStaging()
        }
    }
}
