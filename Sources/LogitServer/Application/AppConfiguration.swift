import Configuration
import Foundation
import LogitJobs
import LogitPostgres
import Logging
import SystemPackage

/// Everything the service can be configured with. Sources, highest precedence first: command-line flags,
/// `LOGIT_*` environment variables (e.g. `LOGIT_PORT`, `LOGIT_MAX_CONCURRENT_JOBS`), the JSON file
/// (`config/logit.json` by default), then the defaults below.
public struct AppConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Where models, jobs and uploaded data sets are kept: a SQLite file (created if missing), or a PostgreSQL URL
    /// `postgres://user:password@host:port/database` that several replicas share. Environment: LOGIT_DATABASE_URL
    /// (or LOGIT_DATABASE).
    public var database = "var/logit.sqlite"
    /// This replica's name in job records and metrics (default: host name and process id).
    public var replicaId = AppConfiguration.defaultReplicaId
    /// How long a replica's claim on a running job lasts without a heartbeat (renewed every third of it); a job
    /// whose replica died runs again elsewhere this long after the last heartbeat.
    public var jobLeaseSeconds = 15.0
    /// Runs a job gets in all (the first and those after replicas died) before it fails with error `interrupted`.
    public var maxAttempts = 2
    /// Folder with the data sets (`mnist/` is bundled).
    public var dataDirectory = "data"
    /// Folder served at `/` (the browser page).
    public var publicDirectory = "public"
    public var maxConcurrentJobs = 1
    /// Threads one training job may use for its passes over the data.
    public var trainingThreads = 2
    /// Nice value (0-19) of the threads jobs train on: serving keeps most of the CPU while a job trains.
    public var trainingNice = 10
    /// Train the default model in the background when the database has no model and no job yet.
    public var trainOnFirstRun = true
    public var maxEpochs = 1000
    /// Largest request body of `/train` and alias requests, in bytes.
    public var maxBodyBytes = 1 << 20
    /// Largest body of both `/predict` routes, in bytes: room for a JSON batch of `maxBatchInstances` MNIST images.
    public var maxPredictBodyBytes = 32 << 20
    /// Largest body of `/v2/.../infer`, in bytes: room for `maxBatchInstances` MNIST images in the widest binary
    /// datatype it accepts (8 bytes a value, FP64 and the 64-bit integers) and a JSON header.
    public var maxInferBodyBytes = 64 << 20
    /// Bytes of the largest binary row of an MNIST image (784 FP64 values), and the room left for the JSON header.
    public static let binaryImageRowBytes = 784 * 8
    public static let inferHeaderBytes = 64 << 10
    /// Bytes of the largest JSON row of an MNIST image: 784 three-digit pixels with their commas and brackets.
    public static let jsonImageRowBytes = 784 * 4 + 2
    /// Largest upload, in bytes: a data set (`POST /datasets`) or a model file (`POST /models/import`).
    public var maxUploadBytes = 64 << 20
    /// Images (rows) per prediction request: both `/predict` routes and `/v2/.../infer`.
    public var maxBatchInstances = 10_000
    public var logLevel = Logger.Level.info
    /// API keys for changing requests (none: open). Environment: LOGIT_API_KEYS=key1,key2.
    public var apiKeys: [String] = []
    /// Require a key for reads and predictions too.
    public var protectReads = false
    /// Seconds a loaded data set may go unused before it is dropped from memory (the next job or picture that needs
    /// it loads it again; MNIST in under a second); 0 keeps loaded data sets for the life of the process.
    public var datasetIdleSeconds = 600.0
    /// Origins allowed to call the API from a browser ("*" for any).
    public var corsAllowedOrigins: [String] = []
    /// Jobs that may wait in the queue; more get 429.
    public var maxQueuedJobs = 32
    /// Most points one sweep's grid may make (`POST /sweeps`).
    public var maxSweepPoints = 100
    /// Largest epochs x training rows one job may ask for.
    public var maxWorkPerJob = 100_000_000
    /// On SIGTERM/SIGINT, how long in-flight requests and the job shutdown may take before the process stops.
    public var shutdownGraceSeconds = 10
    /// Seconds a graceful shutdown keeps serving after readiness turns 503 and jobs are stopped, before the server
    /// stops listening: the time a load balancer takes to notice.
    public var drainSeconds = 2.0

    public init() {}

    public static var defaultReplicaId: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Reads the configuration from flags (already parsed into `overrides`, keyed as in the JSON file),
    /// the environment and the JSON file.
    public static func load(
        file: String = "config/logit.json", overrides: [String: ConfigValue] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> AppConfiguration {
        let flags = InMemoryProvider(
            name: "flags",
            values: Dictionary(uniqueKeysWithValues: overrides.map { (AbsoluteConfigKey($0.key.split(separator: ".").map(String.init)), $0.value) }))
        let prefixedEnvironment = KeyMappingProvider(
            upstream: EnvironmentVariablesProvider(environmentVariables: environment)
        ) { $0.prepending(["logit"]) }
        let fileProvider = try await FileProvider<JSONSnapshot>(filePath: FilePath(file), allowMissing: true)
        let reader = ConfigReader(providers: [flags, prefixedEnvironment, fileProvider])

        var configuration = AppConfiguration()
        configuration.host = reader.string(forKey: "host", default: configuration.host)
        configuration.port = reader.int(forKey: "port", default: configuration.port)
        // `--database` wins over LOGIT_DATABASE_URL, which wins over the file's `database`.
        if overrides["database"] == nil, let url = reader.string(forKey: "database_url") {
            configuration.database = url
        } else {
            configuration.database = reader.string(forKey: "database", default: configuration.database)
        }
        configuration.replicaId = reader.string(forKey: "replica_id", default: configuration.replicaId)
        configuration.jobLeaseSeconds = reader.double(forKey: "job_lease_seconds", default: configuration.jobLeaseSeconds)
        configuration.maxAttempts = reader.int(forKey: "max_attempts", default: configuration.maxAttempts)
        configuration.dataDirectory = reader.string(forKey: "data_directory", default: configuration.dataDirectory)
        configuration.publicDirectory = reader.string(forKey: "public_directory", default: configuration.publicDirectory)
        configuration.maxConcurrentJobs = reader.int(forKey: "max_concurrent_jobs", default: configuration.maxConcurrentJobs)
        configuration.trainingThreads = reader.int(forKey: "training_threads", default: configuration.trainingThreads)
        configuration.trainingNice = reader.int(forKey: "training_nice", default: configuration.trainingNice)
        configuration.trainOnFirstRun = reader.bool(forKey: "train_on_first_run", default: configuration.trainOnFirstRun)
        configuration.maxEpochs = reader.int(forKey: "max_epochs", default: configuration.maxEpochs)
        configuration.maxBodyBytes = reader.int(forKey: "max_body_bytes", default: configuration.maxBodyBytes)
        configuration.maxPredictBodyBytes = reader.int(forKey: "max_predict_body_bytes", default: configuration.maxPredictBodyBytes)
        configuration.maxInferBodyBytes = reader.int(forKey: "max_infer_body_bytes", default: configuration.maxInferBodyBytes)
        configuration.maxUploadBytes = reader.int(forKey: "max_upload_bytes", default: configuration.maxUploadBytes)
        configuration.maxBatchInstances = reader.int(forKey: "max_batch_instances", default: configuration.maxBatchInstances)
        configuration.apiKeys = reader.stringArray(forKey: "api_keys", isSecret: true, default: [])
        configuration.protectReads = reader.bool(forKey: "protect_reads", default: configuration.protectReads)
        configuration.datasetIdleSeconds = reader.double(forKey: "dataset_idle_seconds", default: configuration.datasetIdleSeconds)
        configuration.corsAllowedOrigins = reader.stringArray(forKey: "cors_allowed_origins", default: [])
        configuration.maxQueuedJobs = reader.int(forKey: "max_queued_jobs", default: configuration.maxQueuedJobs)
        configuration.maxWorkPerJob = reader.int(forKey: "max_work_per_job", default: configuration.maxWorkPerJob)
        configuration.maxSweepPoints = reader.int(forKey: "max_sweep_points", default: configuration.maxSweepPoints)
        configuration.shutdownGraceSeconds = reader.int(forKey: "shutdown_grace_seconds", default: configuration.shutdownGraceSeconds)
        configuration.drainSeconds = reader.double(forKey: "drain_seconds", default: configuration.drainSeconds)
        let levelName = reader.string(forKey: "log_level", default: configuration.logLevel.rawValue)
        guard let level = Logger.Level(rawValue: levelName) else {
            let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw InvalidConfiguration(description: "invalid configuration: log_level '\(levelName)' is not one of \(levels)")
        }
        configuration.logLevel = level
        try configuration.validate()
        return configuration
    }

    public var trainingLimits: TrainingLimits { TrainingLimits(maxEpochs: maxEpochs, maxWork: maxWorkPerJob) }

    /// `dataset_idle_seconds` as the data set registry takes it: nil (0) keeps every loaded data set.
    public var datasetIdleLimit: Duration? {
        datasetIdleSeconds > 0 ? .milliseconds(Int64((datasetIdleSeconds * 1000).rounded(.up))) : nil
    }

    public struct InvalidConfiguration: Error, CustomStringConvertible {
        public let description: String
    }

    public func validate() throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw InvalidConfiguration(description: "invalid configuration: \(message)") }
        }
        try check((0...65535).contains(port), "port must be 0-65535")
        try check(maxConcurrentJobs >= 1, "max_concurrent_jobs must be at least 1")
        try check(trainingThreads >= 1, "training_threads must be at least 1")
        try check((0...19).contains(trainingNice), "training_nice must be 0-19")
        try check(maxEpochs >= 1, "max_epochs must be at least 1")
        try check(maxBodyBytes >= 4096, "max_body_bytes must be at least 4096")
        try check(maxBatchInstances >= 1, "max_batch_instances must be at least 1")
        let batchBytes = maxBatchInstances.multipliedReportingOverflow(by: Self.jsonImageRowBytes)
        try check(!batchBytes.overflow && maxPredictBodyBytes >= max(4096, batchBytes.partialValue),
                  "max_predict_body_bytes must be at least 4096 and hold a JSON batch of max_batch_instances MNIST images (\(Self.jsonImageRowBytes) bytes each): raise it or lower max_batch_instances")
        let inferBytes = maxBatchInstances.multipliedReportingOverflow(by: Self.binaryImageRowBytes)
        try check(!inferBytes.overflow && maxInferBodyBytes >= inferBytes.partialValue + Self.inferHeaderBytes,
                  "max_infer_body_bytes must hold max_batch_instances MNIST images as binary FP64 (\(Self.binaryImageRowBytes) bytes each) and a \(Self.inferHeaderBytes)-byte JSON header: raise it or lower max_batch_instances")
        try check(maxQueuedJobs >= 1, "max_queued_jobs must be at least 1")
        try check(maxWorkPerJob >= 1, "max_work_per_job must be at least 1")
        try check(maxSweepPoints >= 1, "max_sweep_points must be at least 1")
        try check(shutdownGraceSeconds >= 1, "shutdown_grace_seconds must be at least 1")
        try check(drainSeconds >= 0 && drainSeconds < Double(shutdownGraceSeconds),
                  "drain_seconds must be at least 0 and less than shutdown_grace_seconds")
        try check(!replicaId.isEmpty, "replica_id must not be empty")
        try check(jobLeaseSeconds >= 0.3, "job_lease_seconds must be at least 0.3")
        try check(maxAttempts >= 1, "max_attempts must be at least 1")
        try check(datasetIdleSeconds.isFinite && datasetIdleSeconds >= 0,
                  "dataset_idle_seconds must be 0 (never evict) or a number of seconds")
        if PostgresURL.isPostgres(database) {
            do { _ = try PostgresURL(database) } catch { try check(false, "database: \(error)") }
        }
    }
}
