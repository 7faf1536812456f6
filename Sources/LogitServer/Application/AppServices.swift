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
/// `datasets`, when given, is a registry of `configuration.dataDirectory` already in use, whose loaded data sets
/// are shared (tests build many services over the same data).
func makeServices(_ configuration: AppConfiguration, logger: Logger, metrics: ServiceMetrics,
                  datasets: DatasetRegistry? = nil) async throws -> AppServices {
    let directory = URL(fileURLWithPath: configuration.databasePath).deletingLastPathComponent().path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let store = try SQLiteModelStore(path: configuration.databasePath)
    precondition(datasets.map { $0.dataDirectory == configuration.dataDirectory } ?? true,
                 "the shared data set registry must read the configured data directory")
    let datasets = datasets ?? DatasetRegistry(dataDirectory: configuration.dataDirectory)
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
