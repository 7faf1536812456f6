import ArgumentParser
import Configuration
import Foundation
import LogitCore
import LogitData
import LogitJobs
import LogitServer
import Logging
import LogitStore

/// `logit sweep`: the same request as `POST /sweeps`, run in this process, stored in the same database.
struct Sweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a grid of points in this process, score them, store each as a version, alias the best.",
        discussion: """
            The request is the JSON body POST /sweeps takes, e.g.
              logit sweep --request '{"name":"bcw-path","base":{"dataset":"breast-cancer-wisconsin",
                "regularization":{"type":"l1"}},"grid":{"regularization.lambda":[0.3,0.1,0.03]},"cv_folds":5,
                "promote":"best"}'
            Prints one line per point as it finishes, then the best point and the total time.
            """)

    @Option(help: "The POST /sweeps request as JSON.") var request: String
    @Option(help: "SQLite database file or postgres:// URL (default from configuration: var/logit.sqlite).")
    var database: String?
    @Option(name: .customLong("data-dir"), help: "Folder with the data sets (default data).") var dataDirectory: String?
    @Option(help: "JSON configuration file.") var config = "config/logit.json"

    func run() async throws {
        var overrides: [String: ConfigValue] = [:]
        if let database { overrides["database"] = ConfigValue(.string(database), isSecret: false) }
        if let dataDirectory { overrides["data_directory"] = ConfigValue(.string(dataDirectory), isSecret: false) }
        let settings = try await AppConfiguration.load(file: config, overrides: overrides)
        let datasets = DatasetRegistry(dataDirectory: settings.dataDirectory)
        let plan: SweepPlan
        do {
            let body = try JSONDecoder().decode(SweepRequest.self, from: Data(request.utf8))
            plan = try await SweepPlan.resolve(body, limits: settings.trainingLimits, maxPoints: settings.maxSweepPoints,
                                               datasetNames: datasets.names,
                                               loadDataset: { try await datasets.loaded($0) })
        } catch let error as LogitJobs.ValidationError {
            throw ValidationError(error.description)
        } catch let error as DecodingError {
            throw ValidationError("--request is not a valid sweep request: \(error)")
        }
        let started = ContinuousClock.now
        let runner = SweepPathRunner(runner: TrainingRunner(datasets: datasets, threads: settings.trainingThreads))
        let replica = "logit-sweep:\(AppConfiguration.defaultReplicaId)"
        let best = try await withStore(settings.database, logger: Logger(label: "logit")) { store in
            // The paths run here, one after another, each under a lease this process holds while it trains: should
            // it die, a server sharing the database takes the rest over once the lease expires.
            let sweep = SweepRecord(id: UUID().uuidString.lowercased(), name: plan.name, request: plan.json(),
                                    createdAt: Date())
            var jobs: [JobRecord] = []
            var points: [SweepPointRecord] = []
            for path in plan.paths {
                var job = JobRecord(id: UUID().uuidString.lowercased(), status: .running,
                                    request: plan.points[path[0]].plan.json(), createdAt: Date(), epochs: path.count,
                                    sweepId: sweep.id)
                job.replica = replica
                job.attempt = 1
                job.startedAt = job.createdAt
                job.leaseExpiresAt = Date().addingTimeInterval(3600 * 24)
                jobs.append(job)
                points += path.map { SweepPointRecord(sweepId: sweep.id, index: $0, jobId: job.id) }
            }
            try await store.insertSweep(sweep, points: points.sorted { $0.index < $1.index }, jobs: jobs)
            print("sweep \(sweep.id): \(plan.points.count) points in \(plan.paths.count) path(s), metric \(plan.metric.rawValue)")
            for (path, job) in zip(plan.paths, jobs) {
                guard let lease = job.lease else { throw RuntimeError("the job has no lease") }
                let (outputs, continuation) = AsyncStream<SweepPathRunner.PointOutput>.makeStream()
                let work = Task {
                    try await offload {
                        defer { continuation.finish() }
                        return try runner.run(sweep: plan, path: path, jobId: job.id, isCancelled: { false }) {
                            continuation.yield($0)
                        }
                    }
                }
                for await output in outputs {
                    let metadata = try await store.recordSweepPoint(lease, sweepId: sweep.id, index: output.result.index,
                                                                    result: output.result.json(), storing: output.version)
                    print(Self.line(output.result, version: metadata.version))
                }
                do {
                    _ = try await work.value
                } catch {
                    try await store.finishJob(lease, status: .failed, error: String(describing: error), at: Date())
                    throw error
                }
                try await store.finishJob(lease, status: .succeeded, error: nil, at: Date())
            }
            let promoted = try await SweepPromotion.promoteIfDone(store: store, sweep: plan, sweepId: sweep.id)
            let state = SweepState(plan: plan, points: try await store.sweepPoints(sweepId: sweep.id),
                                   jobs: try await store.sweepJobs(sweepId: sweep.id))
            return (state.best.flatMap { state.results[$0] }, promoted)
        }
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if let point = best.0 {
            print("best: point \(point.index), lambda \(point.lambda), \(plan.metric.rawValue) \(String(format: "%.5f", point.score))"
                  + (best.1.map { ", alias \($0.alias) -> version \($0.version)" } ?? ""))
        }
        print(String(format: "total %.2f s", seconds))
    }

    /// One finished point: lambda, score (CV mean +- std, or validation), accuracies, sparsity, norm, time.
    static func line(_ result: SweepPointResult, version: Int) -> String {
        var text = String(format: "point %2d  lambda %-10.4g  score %.5f", result.index, result.lambda, result.score)
        if let cv = result.cv { text += String(format: " +- %.5f", cv.std) }
        text += String(format: "  train acc %.4f", result.train.accuracy)
        if let validation = result.validation { text += String(format: "  val acc %.4f", validation.accuracy) }
        if let test = result.test { text += String(format: "  test acc %.4f", test.accuracy) }
        text += String(format: "  sparsity %.3f  |w| %.3f  %d it  %.2f s%@  v%d", result.sparsity, result.weightNorm,
                       result.epochsCompleted, result.seconds, result.warmStart ? " warm" : "", version)
        return text
    }
}
