import ArgumentParser
import Configuration
import Foundation
import LogitCore
import LogitData
import LogitJobs
import LogitServer
import Logging
import LogitStore

/// `logit train`: the same request as `POST /train`, run in this process, stored in the same database.
struct Train: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model in this process and store it as a new version.",
        discussion: """
            The request is the JSON body POST /train takes, e.g.
              logit train --request '{"task":{"type":"binary","positive":[2],"negative":[3]}}'
            Flags set the common fields and override the request's. A progress line shows on a terminal;
            otherwise one line per curve point is printed.
            """)

    @Option(help: "The POST /train request as JSON (default {}).") var request = "{}"
    @Option(help: "Model name.") var name: String?
    @Option(help: "Data set (mnist, breast-cancer-wisconsin, ...).") var dataset: String?
    @Option(help: "Model: softmax, logistic, ovr, ridge or mlp.") var model: String?
    @Option(help: "Optimizer: lbfgs, gd, sgd, momentum or adam.") var optimizer: String?
    @Option(help: "Maximum epochs.") var epochs: Int?
    @Option(help: "Rows per step (0 = full batch).") var batchSize: Int?
    @Option(help: "Learning rate.") var learningRate: Double?
    @Option(help: "Seed of shuffles and splits.") var seed: UInt64?
    @Option(help: "SQLite database file or postgres:// URL (default from configuration: var/logit.sqlite).")
    var database: String?
    @Option(name: .customLong("data-dir"), help: "Folder with the data sets (default data).") var dataDirectory: String?
    @Option(help: "JSON configuration file.") var config = "config/logit.json"

    /// One of a flag's fixed set of names, as the request body would take it.
    private static func choice<Value: RawRepresentable<String> & CaseIterable>(_ name: String, _ flag: String) throws
        -> Value
    {
        guard let value = Value(rawValue: name) else {
            let available = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("unknown \(flag) '\(name)'; available: \(available)")
        }
        return value
    }

    func run() async throws {
        var overrides: [String: ConfigValue] = [:]
        if let database { overrides["database"] = ConfigValue(.string(database), isSecret: false) }
        if let dataDirectory { overrides["data_directory"] = ConfigValue(.string(dataDirectory), isSecret: false) }
        let settings = try await AppConfiguration.load(file: config, overrides: overrides)

        var body: TrainRequest
        do {
            body = try JSONDecoder().decode(TrainRequest.self, from: Data(request.utf8))
        } catch {
            throw ValidationError("--request is not a valid training request: \(error)")
        }
        if let name { body.name = name }
        if let dataset { body.dataset = dataset }
        if let model { body.model = try Self.choice(model, "model") }
        if let optimizer { body.optimizer = try Self.choice(optimizer, "optimizer") }
        if let epochs { body.epochs = epochs }
        if let batchSize { body.batchSize = batchSize }
        if let learningRate { body.learningRate = learningRate }
        if let seed { body.seed = seed }

        let datasets = DatasetRegistry(dataDirectory: settings.dataDirectory)
        let plan: TrainingPlan
        do {
            plan = try await TrainingPlan.resolve(
                body, limits: settings.trainingLimits, datasetNames: datasets.names,
                loadDataset: { try await datasets.loaded($0) })
        } catch let error as LogitJobs.ValidationError {
            throw ValidationError(error.description)
        }
        let metadata = try await withStore(settings.database, logger: Logger(label: "logit")) { store in
            // The job runs here, under a lease this process holds while it trains: should it die, a server sharing
            // the database takes the job over once the lease expires.
            let lease = Duration.seconds(15)
            var job = JobRecord(id: UUID().uuidString.lowercased(), status: .running, request: plan.json(),
                                createdAt: Date(), epochs: plan.epochs)
            job.replica = "logit-train:\(AppConfiguration.defaultReplicaId)"
            job.attempt = 1
            job.startedAt = job.createdAt
            job.leaseExpiresAt = Date().addingTimeInterval(15)
            try await store.insertJob(job)
            guard let held = job.lease else { throw RuntimeError("the job has no lease") }
            let heartbeat = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: lease / 3)
                    _ = try? await store.renewLease(held, until: Date().addingTimeInterval(15))
                }
            }
            defer { heartbeat.cancel() }

            let progress = ProgressLine(epochs: plan.epochs, interactive: isatty(STDERR_FILENO) == 1)
            let runner = TrainingRunner(datasets: datasets, threads: settings.trainingThreads)
            let output: TrainingRunner.Output
            do {
                output = try await offload {
                    try runner.run(plan: plan, jobId: held.jobId, callbacks: TrainingCallbacks(
                        onProgress: { progress.update(epoch: $0) }, onPoint: { progress.record($0) }))
                }
            } catch {
                try await store.finishJob(held, status: .failed, error: String(describing: error), at: Date())
                throw error
            }
            progress.finish()
            return try await store.completeJob(held, storing: output.version, at: Date())
        }
        let accuracy = metadata.metrics.map { String(format: "%.4f", $0.accuracy) } ?? "n/a"
        print("""
            stored \(metadata.name) version \(metadata.version): test accuracy \(accuracy), \
            \(String(format: "%.3f", metadata.trainingSeconds)) s, \(metadata.epochsCompleted) epochs, \
            stop reason \(metadata.stopReason)
            """)
    }
}

/// Epoch, loss, validation accuracy and ETA: rewritten in place on a terminal, one line per curve point otherwise.
final class ProgressLine: @unchecked Sendable {
    private let epochs: Int
    private let interactive: Bool
    private let started = Date()
    private var last: CurvePoint?
    private var lastDraw = Date.distantPast

    init(epochs: Int, interactive: Bool) {
        self.epochs = epochs
        self.interactive = interactive
    }

    func update(epoch: Double) {
        guard interactive, Date().timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = Date()
        let elapsed = Date().timeIntervalSince(started)
        let eta = epoch > 0 ? elapsed / epoch * (Double(epochs) - epoch) : 0
        let fraction = min(1, epoch / Double(max(epochs, 1)))
        let bar = String(repeating: "#", count: Int(fraction * 20)).padding(toLength: 20, withPad: ".", startingAt: 0)
        var line = String(format: "\r[%@] epoch %.2f/%d", bar, epoch, epochs)
        if let last {
            line += String(format: "  loss %.4f", last.trainLoss)
            if let accuracy = last.validationAccuracy { line += String(format: "  val acc %.4f", accuracy) }
        }
        line += String(format: "  ETA %.1fs ", eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func record(_ point: CurvePoint) {
        last = point
        guard !interactive else { return }
        var line = String(format: "epoch %.2f/%d  step %d  loss %.4f", point.epoch, epochs, point.step, point.trainLoss)
        if let accuracy = point.validationAccuracy { line += String(format: "  val acc %.4f", accuracy) }
        line += String(format: "  %.2fs\n", point.wallSeconds)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
