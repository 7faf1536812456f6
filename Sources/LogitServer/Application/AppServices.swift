import Foundation
import Hummingbird
import LogitData
import NIOCore
import LogitJobs
import LogitStore
import Logging
import ServiceLifecycle

/// The pieces of a running service, shared by the controllers.
struct AppServices {
    let configuration: AppConfiguration
    let store: any ModelStore
    let datasets: DatasetRegistry
    let scheduler: JobScheduler
    let cache: ModelCache
    let draining: DrainingFlag
    let metrics: ServiceMetrics
}

/// Opens the store and data sets and starts the job scheduler (recovering jobs a dead process left behind).
func makeServices(_ configuration: AppConfiguration, logger: Logger, metrics: ServiceMetrics) async throws -> AppServices {
    let directory = URL(fileURLWithPath: configuration.databasePath).deletingLastPathComponent().path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let store = try SQLiteModelStore(path: configuration.databasePath)
    let datasets = DatasetRegistry(dataDirectory: configuration.dataDirectory)
    let scheduler = JobScheduler(
        store: store, runner: TrainingRunner(datasets: datasets, threads: configuration.trainingThreads,
                                             nice: configuration.trainingNice),
        maxConcurrentJobs: configuration.maxConcurrentJobs, maxQueuedJobs: configuration.maxQueuedJobs, logger: logger)
    let cache = ModelCache(store: store)
    await scheduler.setOnVersionStored { rowsPerSecond in
        cache.invalidate()
        metrics.trainingFinished(samplesPerSecond: rowsPerSecond)
    }
    try await scheduler.recover()

    return AppServices(
        configuration: configuration, store: store, datasets: datasets, scheduler: scheduler, cache: cache,
        draining: DrainingFlag(), metrics: metrics)
}
