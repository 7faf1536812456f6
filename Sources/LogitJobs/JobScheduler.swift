import Dispatch
import Foundation
import LogitCore
import LogitData
import LogitStore
import Logging
import Synchronization

/// This replica's worker of the shared job queue: it claims the oldest queued job whenever it has a free slot (at
/// most `maxConcurrentJobs` at a time), holds the job's lease while it trains, renewing it every third of
/// `leaseDuration`, and hands back jobs whose replica died (their lease expired) to the queue.
///
/// It wakes when the store reports a queued job (`ChangeFeed`: an in-process signal on SQLite, LISTEN/NOTIFY on
/// PostgreSQL) and, to cover lost notifications, at every heartbeat. The CPU-bound training runs on threads of its
/// own (`TrainingThreads`, at the runner's nice value), never on the event loops or Swift's cooperative pool. What
/// it reports (curve points, progress, the result) flows back through an `AsyncStream` to a task that writes it
/// to the store, so the training thread never waits for the database.
public actor JobScheduler {
    public let store: any StoreBackend
    public let runner: TrainingRunner
    public nonisolated let replica: String
    public let maxConcurrentJobs: Int
    public let maxQueuedJobs: Int
    public let maxAttempts: Int
    public let leaseDuration: Duration
    private let logger: Logger

    private struct RunningJob {
        let lease: JobLease
        let flag: CancellationFlag
        let task: Task<Void, Never>
    }

    private var running: [String: RunningJob] = [:]
    private var accepting = true
    private var claiming = false
    private var loops: [Task<Void, Never>] = []

    /// Called after a job stores a model version (the server records the job's throughput in rows per second).
    private var onVersionStored: @Sendable (_ rowsPerSecond: Double) -> Void = { _ in }

    public init(store: any StoreBackend, runner: TrainingRunner, replica: String, maxConcurrentJobs: Int,
                maxQueuedJobs: Int = 32, maxAttempts: Int = JobRecord.defaultMaxAttempts,
                leaseDuration: Duration = .seconds(15), logger: Logger) {
        self.store = store
        self.runner = runner
        self.replica = replica
        self.maxConcurrentJobs = max(1, maxConcurrentJobs)
        self.maxQueuedJobs = max(1, maxQueuedJobs)
        self.maxAttempts = max(1, maxAttempts)
        self.leaseDuration = leaseDuration
        self.logger = logger
    }

    public func setOnVersionStored(_ action: @escaping @Sendable (_ rowsPerSecond: Double) -> Void) {
        onVersionStored = action
    }

    /// Starts claiming jobs: those queued already, those whose replica died, and every new one.
    public func start() async throws {
        guard loops.isEmpty else { return }
        let changes = store.changes.subscribe()
        loops.append(Task { [weak self] in
            for await change in changes {
                guard let self else { return }
                await self.handle(change)
            }
        })
        let interval = leaseDuration / 3
        loops.append(Task { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                await self.heartbeat()
                try? await Task.sleep(for: interval)
            }
        })
    }

    private func handle(_ change: StoreChange) async {
        switch change {
        case .jobQueued, .resync: await claimJobs()
        case .job(let id):
            // A cancel made through any replica arrives here; the heartbeat would find it too, only later.
            guard let job = running[id] else { return }
            if let stored = try? await store.job(id: id), stored.lease != job.lease { job.flag.cancel() }
        case .models: break
        }
    }

    /// Renews the leases of the jobs running here, stops those whose lease is lost, rescues jobs of dead replicas,
    /// and claims work if there is room.
    private func heartbeat() async {
        let until = Date().addingTimeInterval(leaseDuration.seconds)
        for job in running.values {
            do {
                if try await !store.renewLease(job.lease, until: until) {
                    logger.warning("job lease lost: stopping", metadata: ["job": "\(job.lease.jobId)"])
                    job.flag.cancel()
                }
            } catch {
                logger.warning("job lease not renewed", metadata: ["job": "\(job.lease.jobId)", "error": "\(error)"])
            }
        }
        do {
            let rescued = try await store.rescueExpiredJobs(at: Date())
            if !rescued.isEmpty {
                logger.warning("jobs of a replica that stopped answering", metadata: [
                    "requeued": "\(rescued.requeued)", "failed": "\(rescued.failed)",
                ])
            }
        } catch {
            logger.warning("expired job leases not checked", metadata: ["error": "\(error)"])
        }
        await claimJobs()
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

    /// The queued job record for a plan (not stored yet).
    public func job(for plan: TrainingPlan) -> JobRecord {
        JobRecord(id: UUID().uuidString.lowercased(), request: plan.json(), createdAt: Date(), epochs: plan.epochs,
                  maxAttempts: maxAttempts)
    }

    /// Queues a job for the plan; whichever replica has a free slot first runs it.
    public func submit(_ plan: TrainingPlan) async throws -> JobRecord {
        guard accepting else { throw Refusal.shuttingDown }
        guard try await store.queuedJobCount() < maxQueuedJobs else { throw Refusal.queueFull(limit: maxQueuedJobs) }
        let job = job(for: plan)
        try await store.insertJob(job)
        return job
    }

    /// Jobs running on this replica.
    public var runningJobCount: Int { running.count }

    public enum CancelResult: Sendable {
        case cancelled(JobRecord)
        case alreadyFinished(JobRecord)
        case unknown
    }

    /// A queued job is cancelled at once; a running one stops within one batch, on whichever replica runs it.
    public func cancel(id: String) async throws -> CancelResult {
        guard let job = try await store.job(id: id) else { return .unknown }
        if job.status.isFinished { return .alreadyFinished(job) }
        guard let cancelled = try await store.cancelJob(id: id, at: Date()) else { return .unknown }
        running[id]?.flag.cancel()
        return cancelled.status == .cancelled ? .cancelled(cancelled) : .alreadyFinished(cancelled)
    }

    /// Stops taking jobs and cancels the ones running here (error `shutdown`), waiting for them to stop.
    public func shutdown() async {
        accepting = false
        for loop in loops { loop.cancel() }
        for job in running.values {
            job.flag.cancel()
            _ = try? await store.finishJob(job.lease, status: .cancelled, error: "shutdown", at: Date())
        }
        for job in running.values { await job.task.value }
    }

    // MARK: - Running

    private func claimJobs() async {
        guard !claiming else { return }
        claiming = true
        defer { claiming = false }
        while accepting, running.count < maxConcurrentJobs {
            let claimed: JobRecord?
            do {
                claimed = try await store.claimJob(
                    replica: replica, leaseUntil: Date().addingTimeInterval(leaseDuration.seconds), at: Date())
            } catch {
                logger.warning("could not claim a job", metadata: ["error": "\(error)"])
                return
            }
            guard let job = claimed, let lease = job.lease else { return }
            let flag = CancellationFlag()
            let task = Task { await self.execute(job, lease: lease, flag: flag) }
            running[job.id] = RunningJob(lease: lease, flag: flag, task: task)
        }
    }

    private func finished(_ lease: JobLease) async {
        if running[lease.jobId]?.lease == lease { running[lease.jobId] = nil }
        await claimJobs()
    }

    /// Events from the training thread to the task that records them.
    private enum TrainingReport: Sendable {
        case progress(Double)
        case point(CurvePoint)
        case done(TrainingRunner.Output)
        case failed(String)
    }

    private func execute(_ job: JobRecord, lease: JobLease, flag: CancellationFlag) async {
        let jobId = job.id
        do {
            let plan = try TrainingPlan.decode(json: job.request)
            // A data set uploaded through another replica is fetched here before the training thread reads it.
            _ = try await runner.datasets.loaded(plan.dataset)
            logger.info("job started", metadata: [
                "job": "\(jobId)", "model": "\(plan.name)", "attempt": "\(lease.attempt)",
            ])

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
                        try await store.updateProgress(lease, epoch: epoch)
                    }
                case .point(let point):
                    sequence += 1
                    try await store.appendCurvePoint(lease, sequence: sequence, point: point)
                case .done(let output):
                    if output.stopReason == .cancelled || flag.isCancelled {
                        // Cancelled by a user (the job says so already) or shut down, or the lease was lost.
                        _ = try await store.finishJob(lease, status: .cancelled, error: nil, at: Date())
                        logger.info("job stopped", metadata: ["job": "\(jobId)"])
                    } else {
                        let metadata = try await store.completeJob(lease, storing: output.version, at: Date())
                        let seconds = max(metadata.trainingSeconds, 1e-9)
                        onVersionStored(Double(output.trainingRows * max(metadata.epochsCompleted, 1)) / seconds)
                        logger.info("job succeeded", metadata: [
                            "job": "\(jobId)", "model": "\(metadata.name)", "version": "\(metadata.version)",
                            "test_accuracy": "\(metadata.metrics?.accuracy ?? .nan)",
                            "seconds": "\(metadata.trainingSeconds)",
                        ])
                    }
                case .failed(let message):
                    logger.error("job failed", metadata: ["job": "\(jobId)", "error": "\(message)"])
                    try await store.finishJob(lease, status: .failed, error: message, at: Date())
                }
            }
        } catch StoreError.leaseLost {
            logger.warning("job result discarded: its lease was lost", metadata: ["job": "\(jobId)"])
        } catch {
            logger.error("job could not be recorded", metadata: ["job": "\(jobId)", "error": "\(error)"])
            _ = try? await store.finishJob(lease, status: .failed, error: String(describing: error), at: Date())
        }
        await finished(lease)
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

/// Set by a cancel request, read by the training loop before every step.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
