import Foundation
import Hummingbird
import LogitData
import NIOCore
import LogitJobs
import LogitPostgres
import LogitStore
import Logging
import ServiceLifecycle

/// The pieces of a running service, shared by the controllers.
struct AppServices {
    let configuration: AppConfiguration
    let store: any StoreBackend
    let datasets: DatasetRegistry
    let scheduler: JobScheduler
    let cache: ModelCache
    let draining: DrainingFlag
    let metrics: ServiceMetrics
    let logger: Logger

    var jobEvents: JobEvents { JobEvents(store: store, changes: store.changes) }
}

/// Opens the store and data sets and makes the job scheduler; nothing reads the database until `start(_:)`.
/// `datasets`, when given, is a registry of `configuration.dataDirectory` already in use, whose loaded data sets
/// are shared (tests build many services over the same data); it keeps its own idle limit.
func makeServices(_ configuration: AppConfiguration, logger: Logger, metrics: ServiceMetrics,
                  datasets: DatasetRegistry? = nil) throws -> AppServices {
    let store = try openStore(configuration.database, logger: logger)
    precondition(datasets.map { $0.dataDirectory == configuration.dataDirectory } ?? true,
                 "the shared data set registry must read the configured data directory")
    let datasets = datasets ?? DatasetRegistry(dataDirectory: configuration.dataDirectory,
                                               uploads: StoredUploads(store: store),
                                               idleLimit: configuration.datasetIdleLimit)
    let scheduler = JobScheduler(
        store: store, runner: TrainingRunner(datasets: datasets, threads: configuration.trainingThreads,
                                             nice: configuration.trainingNice),
        replica: configuration.replicaId, maxConcurrentJobs: configuration.maxConcurrentJobs,
        maxQueuedJobs: configuration.maxQueuedJobs, maxAttempts: configuration.maxAttempts,
        leaseDuration: .milliseconds(Int(configuration.jobLeaseSeconds * 1000)), logger: logger)
    return AppServices(
        configuration: configuration, store: store, datasets: datasets, scheduler: scheduler,
        cache: ModelCache(store: store), draining: DrainingFlag(), metrics: metrics, logger: logger)
}

extension AppServices {
    /// Brings the schema up to date, starts claiming jobs, and on an empty database queues the default model's job
    /// (once, however many replicas start together).
    func start() async throws {
        try await store.prepare()
        let metrics = self.metrics
        await scheduler.setOnVersionStored { rowsPerSecond in metrics.trainingFinished(samplesPerSecond: rowsPerSecond) }
        if configuration.trainOnFirstRun, try await store.models().isEmpty, try await store.jobs(limit: 1).isEmpty {
            let plan = try await TrainingPlan.resolve(
                TrainRequest(), limits: configuration.trainingLimits, datasetNames: datasets.names,
                loadDataset: { [datasets] in try await datasets.loaded($0) })
            let job = await scheduler.job(for: plan)
            if try await store.insertFirstJob(job) {
                logger.info("empty database: training the default model", metadata: ["job": "\(job.id)"])
            }
        }
        try await scheduler.start()
    }
}
