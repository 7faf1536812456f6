import ArgumentParser
import Configuration
import Foundation
import LogitPostgres
import LogitServer
import LogitStore
import Logging
import ServiceLifecycle

@main
struct Logit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logit",
        abstract: "Train logistic and softmax regression models and serve their predictions.",
        subcommands: [Serve.self, Migrate.self, Train.self, Sweep.self, Predict.self, Models.self, Export.self, Import.self, Weights.self, Bench.self, BenchQueue.self])

    /// Exit codes: 0 success, 1 runtime failure, 2 usage error, with a one-line message on stderr.
    static func main() async {
        CPUSupport.exitUnlessSupported()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }  // --help and friends print and exit 0
            let usage = code == .validationFailure
            let message = usage ? fullMessage(for: error) : "\(error)"
            let firstLine = message.split(separator: "\n").first.map(String.init) ?? message
            FileHandle.standardError.write(Data("logit: \(firstLine)\n".utf8))
            Foundation.exit(usage ? 2 : 1)
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP service.",
        discussion: """
            Settings come from these flags, then LOGIT_* environment variables (LOGIT_PORT, LOGIT_DATABASE_URL, \
            LOGIT_MAX_CONCURRENT_JOBS, ...), then the JSON configuration file, then built-in defaults.
            """)

    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (default 8080; 0 picks a free one).") var port: Int?
    @Option(help: "SQLite database file, or postgres://user:password@host:port/db to share one with other replicas (default var/logit.sqlite; environment LOGIT_DATABASE_URL).")
    var database: String?
    @Option(name: .customLong("data-dir"), help: "Folder with the data sets (default data).") var dataDirectory: String?
    @Option(help: "JSON configuration file.") var config = "config/logit.json"
    @Flag(inversion: .prefixedNo, help: "Train the default model when the database has no model and no job yet.")
    var trainOnFirstRun: Bool?

    func run() async throws {
        var overrides: [String: ConfigValue] = [:]
        if let host { overrides["host"] = ConfigValue(.string(host), isSecret: false) }
        if let port { overrides["port"] = ConfigValue(.int(port), isSecret: false) }
        if let database { overrides["database"] = ConfigValue(.string(database), isSecret: false) }
        if let dataDirectory { overrides["data_directory"] = ConfigValue(.string(dataDirectory), isSecret: false) }
        if let trainOnFirstRun { overrides["train_on_first_run"] = ConfigValue(.bool(trainOnFirstRun), isSecret: false) }
        let settings = try await AppConfiguration.load(file: config, overrides: overrides)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = settings.logLevel
            return handler
        }
        // SIGTERM/SIGINT drain first (readiness 503, jobs marked `shutdown`), then stop the server once the
        // requests in flight finish, all within the grace period.
        try await buildServiceGroup(settings).run()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring the database's schema up to date, then exit.",
        discussion: "`logit serve` does the same when it starts; several replicas starting together take turns.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let migrations = try await store.withStore(creating: true) { store in
            if let postgres = store as? PostgresStore { return try await postgres.appliedMigrations() }
            return try (store as? SQLiteStore)?.appliedMigrations() ?? []
        }
        for migration in migrations { print(migration) }
    }
}
