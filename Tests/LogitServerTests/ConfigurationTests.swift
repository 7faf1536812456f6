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

    @Test func anUnknownLogLevelIsRefusedNotIgnored() async throws {
        let error = await #expect(throws: AppConfiguration.InvalidConfiguration.self) {
            try await AppConfiguration.load(file: "/nonexistent.json", environment: ["LOGIT_LOG_LEVEL": "verbose"])
        }
        #expect(error?.description.contains("log_level 'verbose'") == true)
        let debug = try await AppConfiguration.load(file: "/nonexistent.json", environment: ["LOGIT_LOG_LEVEL": "debug"])
        #expect(debug.logLevel == .debug)
    }
}
