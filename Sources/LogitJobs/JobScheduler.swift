import Dispatch
import Foundation
import LogitCore
import LogitData
import LogitStore
import Logging
import Synchronization

/// Runs training jobs in the background, oldest first, at most `maxConcurrentJobs` at a time.
///
/// The CPU-bound training runs on threads of its own (`TrainingThreads`, at the runner's nice value), never on the
/// event loops or Swift's cooperative pool.
/// What it reports (curve points, progress, the result) flows back through an `AsyncStream` to a task that writes
/// it to the store, so the training thread never waits for the database.
public actor JobScheduler {
    public let store: any ModelStore
    public let runner: TrainingRunner
    public let maxConcurrentJobs: Int
    public let maxQueuedJobs: Int
    private let logger: Logger

    private var waiting: [String] = []
    private var running: [String: CancellationFlag] = [:]
    private var tasks: [String: Task<Void, Never>] = [:]
    private var listeners: [String: [UUID: AsyncStream<JobEvent>.Continuation]] = [:]
    private var accepting = true

    /// Called after a job stores a model version (the server invalidates its model cache and records the job's
    /// throughput in rows per second).
    private var onVersionStored: @Sendable (_ rowsPerSecond: Double) -> Void = { _ in }

    public init(store: any ModelStore, runner: TrainingRunner, maxConcurrentJobs: Int, maxQueuedJobs: Int = 32,
                logger: Logger) {
        self.store = store
        self.runner = runner
        self.maxConcurrentJobs = max(1, maxConcurrentJobs)
        self.maxQueuedJobs = max(1, maxQueuedJobs)
        self.logger = logger
    }

    public func setOnVersionStored(_ action: @escaping @Sendable (_ rowsPerSecond: Double) -> Void) {
        onVersionStored = action
    }

    /// At start-up: jobs a dead process left running become failed/interrupted; queued jobs run again.
    public func recover() async throws {
        let interrupted = try await store.interruptRunningJobs(at: Date())
        if interrupted > 0 { logger.warning("marked \(interrupted) interrupted job(s) as failed") }
        for job in try await store.queuedJobs() where !waiting.contains(job.id) {
            waiting.append(job.id)
        }
        startWaitingJobs()
    }

    /// Refused submissions: the queue is full, or the service is shutting down.
    public enum Refusal: Error, CustomStringConvertible {
        case queueFull(limit: Int)
        case shuttingDown
        public var description: String {
            switch self {
            case .queueFull(let limit): "the training queue is full (\(limit) jobs wait already); try again later"
            case .shuttingDown: "the service is shutting down"
            }
        }
    }

    /// Stores a queued job for the plan and schedules it.
    public func submit(_ plan: TrainingPlan) async throws -> JobRecord {
        guard accepting else { throw Refusal.shuttingDown }
        guard waiting.count < maxQueuedJobs else { throw Refusal.queueFull(limit: maxQueuedJobs) }
        let job = JobRecord(id: UUID().uuidString.lowercased(), request: plan.json(), createdAt: Date(),
                            epochs: plan.epochs)
        try await store.insertJob(job)
        waiting.append(job.id)
        startWaitingJobs()
        return job
    }

    public var queueDepth: Int { waiting.count }

    public enum CancelResult: Sendable {
        case cancelled(JobRecord)
        case alreadyFinished(JobRecord)
        case unknown
    }

    /// A queued job is cancelled at once; a running one stops within one batch.
    public func cancel(id: String) async throws -> CancelResult {
        guard let job = try await store.job(id: id) else { return .unknown }
        if job.status.isFinished { return .alreadyFinished(job) }
        running[id]?.cancel()
        waiting.removeAll { $0 == id }
        guard let finished = try await store.finishJob(id: id, status: .cancelled, error: nil, at: Date()) else {
            return .unknown
        }
        if finished.status != .cancelled { return .alreadyFinished(finished) }
        broadcast(id, .finished(finished.status))
        return .cancelled(finished)
    }

    /// Stops taking jobs and cancels the running ones, waiting for them to stop.
    public func shutdown() async {
        accepting = false
        for (id, flag) in running {
            flag.cancel()
            _ = try? await store.finishJob(id: id, status: .cancelled, error: "shutdown", at: Date())
        }
        for task in tasks.values { await task.value }
    }

    // MARK: - Live events

    public enum JobEvent: Sendable {
        case point(sequence: Int, CurvePoint)
        case finished(JobStatus)
    }

    /// Events of a job from now on; the stream ends when the job finishes.
    public func events(jobId: String) -> AsyncStream<JobEvent> {
        let (stream, continuation) = AsyncStream<JobEvent>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        let key = UUID()
        listeners[jobId, default: [:]][key] = continuation
        continuation.onTermination = { _ in Task { await self.removeListener(jobId: jobId, key: key) } }
        return stream
    }

    private func removeListener(jobId: String, key: UUID) {
        listeners[jobId]?[key] = nil
        if listeners[jobId]?.isEmpty == true { listeners[jobId] = nil }
    }

    private func broadcast(_ jobId: String, _ event: JobEvent) {
        guard let continuations = listeners[jobId] else { return }
        for continuation in continuations.values {
            continuation.yield(event)
            if case .finished = event { continuation.finish() }
        }
        if case .finished = event { listeners[jobId] = nil }
    }

    // MARK: - Running

    private func startWaitingJobs() {
        while accepting, running.count < maxConcurrentJobs, !waiting.isEmpty {
            let id = waiting.removeFirst()
            let flag = CancellationFlag()
            running[id] = flag
            tasks[id] = Task { await self.execute(jobId: id, flag: flag) }
        }
    }

    private func finished(jobId: String) {
        running[jobId] = nil
        tasks[jobId] = nil
        startWaitingJobs()
    }

    /// Events from the training thread to the task that records them.
    private enum TrainingReport: Sendable {
        case progress(Double)
        case point(CurvePoint)
        case done(TrainingRunner.Output)
        case failed(String)
    }

    private func execute(jobId: String, flag: CancellationFlag) async {
        defer { finished(jobId: jobId) }
        do {
            guard let job = try await store.job(id: jobId), job.status == .queued else { return }
            let plan = try TrainingPlan.decode(json: job.request)
            try await store.markStarted(jobId: jobId, at: Date())
            logger.info("job started", metadata: ["job": "\(jobId)", "model": "\(plan.name)"])

            let (reports, continuation) = AsyncStream<TrainingReport>.makeStream()
            let runner = self.runner
            TrainingThreads.run(helpers: runner.threads - 1, nice: runner.nice) {
                let callbacks = TrainingCallbacks(
                    isCancelled: { flag.isCancelled },
                    onProgress: { continuation.yield(.progress($0)) },
                    onPoint: { continuation.yield(.point($0)) })
                do {
                    continuation.yield(.done(try runner.run(plan: plan, jobId: jobId, callbacks: callbacks)))
                } catch {
                    continuation.yield(.failed(String(describing: error)))
                }
                continuation.finish()
            }

            var sequence = 0
            var lastProgressWrite = ContinuousClock.now - .seconds(1)
            for await report in reports {
                switch report {
                case .progress(let epoch):
                    // Progress is cheap to compute and frequent: write it a few times a second at most.
                    if ContinuousClock.now - lastProgressWrite > .milliseconds(200) {
                        lastProgressWrite = .now
                        try await store.updateProgress(jobId: jobId, epoch: epoch)
                    }
                case .point(let point):
                    sequence += 1
                    try await store.appendCurvePoint(jobId: jobId, sequence: sequence, point: point)
                    broadcast(jobId, .point(sequence: sequence, point))
                case .done(let output):
                    if output.stopReason == .cancelled || flag.isCancelled {
                        let job = try await store.finishJob(id: jobId, status: .cancelled, error: nil, at: Date())
                        broadcast(jobId, .finished(job?.status ?? .cancelled))
                    } else {
                        let metadata = try await store.completeJob(id: jobId, storing: output.version, at: Date())
                        let seconds = max(metadata.trainingSeconds, 1e-9)
                        onVersionStored(Double(output.trainingRows * max(metadata.epochsCompleted, 1)) / seconds)
                        logger.info("job succeeded", metadata: [
                            "job": "\(jobId)", "model": "\(metadata.name)", "version": "\(metadata.version)",
                            "test_accuracy": "\(metadata.metrics?.accuracy ?? .nan)",
                            "seconds": "\(metadata.trainingSeconds)",
                        ])
                        broadcast(jobId, .finished(.succeeded))
                    }
                case .failed(let message):
                    logger.error("job failed", metadata: ["job": "\(jobId)", "error": "\(message)"])
                    let job = try await store.finishJob(id: jobId, status: .failed, error: message, at: Date())
                    broadcast(jobId, .finished(job?.status ?? .failed))
                }
            }
        } catch {
            logger.error("job could not be recorded", metadata: ["job": "\(jobId)", "error": "\(error)"])
            _ = try? await store.finishJob(id: jobId, status: .failed, error: String(describing: error), at: Date())
            broadcast(jobId, .finished(.failed))
        }
    }
}

/// Set by a cancel request, read by the training loop before every step.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
