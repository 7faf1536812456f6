import Configuration
import Foundation
import LogitServer
import Testing

@Suite struct ConfigurationTests {
    @Test func flagsOverrideEnvironmentOverrideFileOverrideDefaults() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("logit-config-\(UUID().uuidString).json")
        try Data(#"{"port": 9001, "host": "0.0.0.0", "max_concurrent_jobs": 3, "database": "from-file.sqlite"}"#.utf8)
            .write(to: file)
        let configuration = try await AppConfiguration.load(
            file: file.path,
            overrides: ["database": ConfigValue(.string("from-flag.sqlite"), isSecret: false)],
            environment: ["LOGIT_PORT": "9002", "LOGIT_DATABASE": "from-env.sqlite", "PORT": "1"])
        #expect(configuration.database == "from-flag.sqlite")
        #expect(configuration.port == 9002)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.maxConcurrentJobs == 3)
        #expect(configuration.trainingThreads == AppConfiguration().trainingThreads)
    }

    @Test func aPostgresURLComesFromTheFlagThenLOGIT_DATABASE_URLThenTheFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("logit-config-\(UUID().uuidString).json")
        try Data(#"{"database": "from-file.sqlite", "job_lease_seconds": 4.5, "max_attempts": 3}"#.utf8).write(to: file)
        let url = "postgres://logit:secret@db.internal:5433/logit"
        let fromEnvironment = try await AppConfiguration.load(
            file: file.path, environment: ["LOGIT_DATABASE_URL": url, "LOGIT_REPLICA_ID": "replica7"])
        #expect(fromEnvironment.database == url)
        #expect(fromEnvironment.replicaId == "replica7")
        #expect(fromEnvironment.jobLeaseSeconds == 4.5 && fromEnvironment.maxAttempts == 3)
        let fromFlag = try await AppConfiguration.load(
            file: file.path, overrides: ["database": ConfigValue(.string("flag.sqlite"), isSecret: false)],
            environment: ["LOGIT_DATABASE_URL": url])
        #expect(fromFlag.database == "flag.sqlite")
        #expect(try await AppConfiguration.load(file: file.path, environment: [:]).database == "from-file.sqlite")
        #expect(AppConfiguration().replicaId.contains(":"))

        for environment in [["LOGIT_DATABASE_URL": "postgres://no-user-here/logit"], ["LOGIT_MAX_ATTEMPTS": "0"],
                            ["LOGIT_JOB_LEASE_SECONDS": "0.1"], ["LOGIT_REPLICA_ID": ""]] {
            await #expect(throws: AppConfiguration.InvalidConfiguration.self, "\(environment)") {
                try await AppConfiguration.load(file: "/nonexistent.json", environment: environment)
            }
        }
    }

    @Test func theBundledConfigurationFileIsValid() async throws {
        let configuration = try await AppConfiguration.load(
            file: repositoryRoot.appendingPathComponent("config/logit.json").path, environment: [:])
        #expect(configuration.port == 8080 && configuration.maxConcurrentJobs == 1)
    }

    @Test func invalidValuesAreRefused() async throws {
        await #expect(throws: AppConfiguration.InvalidConfiguration.self) {
            try await AppConfiguration.load(file: "/nonexistent.json", environment: ["LOGIT_MAX_CONCURRENT_JOBS": "0"])
        }
        // Nice values run from 0 (the service's priority) to 19 (the lowest).
        await #expect(throws: AppConfiguration.InvalidConfiguration.self) {
            try await AppConfiguration.load(file: "/nonexistent.json", environment: ["LOGIT_TRAINING_NICE": "20"])
        }
        let configuration = try await AppConfiguration.load(
            file: "/nonexistent.json", environment: ["LOGIT_TRAINING_NICE": "0"])
        #expect(configuration.trainingNice == 0)
        #expect(AppConfiguration().trainingNice == 10)
    }

    /// Loaded data sets are evicted after `dataset_idle_seconds` unused; 0 keeps them, and a negative or endless
    /// time is refused at start-up.
    @Test func theDatasetIdleTimeIsValidated() async throws {
        for bad in ["-1", "inf", "nan"] {
            await #expect(throws: AppConfiguration.InvalidConfiguration.self, "\(bad)") {
                try await AppConfiguration.load(file: "/nonexistent.json", environment: ["LOGIT_DATASET_IDLE_SECONDS": bad])
            }
        }
        let never = try await AppConfiguration.load(file: "/nonexistent.json", environment: ["LOGIT_DATASET_IDLE_SECONDS": "0"])
        #expect(never.datasetIdleLimit == nil)
        let short = try await AppConfiguration.load(file: "/nonexistent.json", environment: ["LOGIT_DATASET_IDLE_SECONDS": "1.5"])
        #expect(short.datasetIdleLimit == .milliseconds(1500))
        #expect(AppConfiguration().datasetIdleLimit == .seconds(600))
    }

    @Test func anUnknownLogLevelIsRefusedNotIgnored() async throws {
        let error = await #expect(throws: AppConfiguration.InvalidConfiguration.self) {
            try await AppConfiguration.load(file: "/nonexistent.json", environment: ["LOGIT_LOG_LEVEL": "verbose"])
        }
        #expect(error?.description.contains("log_level 'verbose'") == true)
        let debug = try await AppConfiguration.load(file: "/nonexistent.json", environment: ["LOGIT_LOG_LEVEL": "debug"])
        #expect(debug.logLevel == .debug)
    }

    /// The prediction routes' body limit must hold a JSON batch of `max_batch_instances` images: the two limits are
    /// checked against each other at start-up, not found to disagree by a client's 413.
    @Test func thePredictionBodyLimitFitsTheBatchLimit() async throws {
        let defaults = AppConfiguration()
        #expect(defaults.maxPredictBodyBytes >= defaults.maxBatchInstances * AppConfiguration.jsonImageRowBytes)
        let error = await #expect(throws: AppConfiguration.InvalidConfiguration.self) {
            try await AppConfiguration.load(file: "/nonexistent.json",
                                            environment: ["LOGIT_MAX_BATCH_INSTANCES": "20000"])
        }
        #expect(error?.description.contains("max_predict_body_bytes") == true)
        let raised = try await AppConfiguration.load(file: "/nonexistent.json", environment: [
            "LOGIT_MAX_BATCH_INSTANCES": "20000", "LOGIT_MAX_PREDICT_BODY_BYTES": "\(20_000 * 3_138)",
            "LOGIT_MAX_INFER_BODY_BYTES": "\(20_000 * 6_272 + 65_536)",
        ])
        #expect(raised.maxPredictBodyBytes == 62_760_000)
    }

    /// The drain comes first in a graceful shutdown, so it must end within the grace period.
    @Test func theDrainFitsInTheGracePeriod() async throws {
        #expect(AppConfiguration().drainSeconds < Double(AppConfiguration().shutdownGraceSeconds))
        for drain in ["-1", "10", "nan"] {
            let error = await #expect(throws: AppConfiguration.InvalidConfiguration.self) {
                try await AppConfiguration.load(file: "/nonexistent.json", environment: ["LOGIT_DRAIN_SECONDS": drain])
            }
            #expect(error?.description.contains("drain_seconds") == true, "\(drain)")
        }
        let short = try await AppConfiguration.load(file: "/nonexistent.json", environment: ["LOGIT_DRAIN_SECONDS": "0"])
        #expect(short.drainSeconds == 0)
    }

    /// `/v2` infer's limit must hold `max_batch_instances` images in the widest binary datatype (FP64) and a header.
    @Test func theInferBodyLimitFitsTheBatchLimitInFP64() async throws {
        let defaults = AppConfiguration()
        #expect(defaults.maxInferBodyBytes >= defaults.maxBatchInstances * 784 * 8 + 65_536)
        let error = await #expect(throws: AppConfiguration.InvalidConfiguration.self) {
            try await AppConfiguration.load(file: "/nonexistent.json", environment: [
                "LOGIT_MAX_BATCH_INSTANCES": "20000", "LOGIT_MAX_PREDICT_BODY_BYTES": "\(20_000 * 3_138)",
            ])
        }
        #expect(error?.description.contains("max_infer_body_bytes") == true)
        let small = await #expect(throws: AppConfiguration.InvalidConfiguration.self) {
            try await AppConfiguration.load(file: "/nonexistent.json",
                                            environment: ["LOGIT_MAX_INFER_BODY_BYTES": "\(10_000 * 6_272)"])
        }
        #expect(small?.description.contains("max_infer_body_bytes") == true)
    }
}
