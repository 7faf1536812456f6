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

    /// Stores a sweep and queues one job per path of its points; the replicas share the paths between them.
    public func submit(_ sweep: SweepPlan) async throws -> (SweepRecord, [JobRecord]) {
        guard accepting else { throw Refusal.shuttingDown }
        guard try await store.queuedJobCount() < maxQueuedJobs else { throw Refusal.queueFull(limit: maxQueuedJobs) }
        let record = SweepRecord(id: UUID().uuidString.lowercased(), name: sweep.name, request: sweep.json(),
                                 createdAt: Date())
        var jobs: [JobRecord] = []
        var points: [SweepPointRecord] = []
        for path in sweep.paths {
            // The job shows its first point's plan; its progress counts points (`epochs` is the path's length).
            let job = JobRecord(id: UUID().uuidString.lowercased(), request: sweep.points[path[0]].plan.json(),
                                createdAt: Date(), epochs: path.count, maxAttempts: maxAttempts, sweepId: record.id)
            jobs.append(job)
            points += path.map { SweepPointRecord(sweepId: record.id, index: $0, jobId: job.id) }
        }
        try await store.insertSweep(record, points: points.sorted { $0.index < $1.index }, jobs: jobs)
        return (record, jobs)
    }

    /// Cancels the sweep's unfinished jobs (on whichever replica runs them); nil if there is no such sweep.
    public func cancelSweep(id: String) async throws -> SweepRecord? {
        guard let sweep = try await store.sweep(id: id) else { return nil }
        for job in try await store.sweepJobs(sweepId: id) where !job.status.isFinished {
            _ = try await cancel(id: job.id)
        }
        return sweep
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
        if let sweepId = job.sweepId {
            await executeSweepPath(job, sweepId: sweepId, lease: lease, flag: flag)
            await finished(lease)
            return
        }
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

// MARK: - Sweeps

extension JobScheduler {
    /// What a sweep's training thread reports.
    private enum PathReport: Sendable {
        case point(SweepPathRunner.PointOutput)
        case done(completed: Bool)
        case failed(String)
    }

    /// Runs the points of a sweep that `job` holds, recording each (its version and result) as it finishes; a job
    /// started again after its replica died skips the points recorded already.
    private func executeSweepPath(_ job: JobRecord, sweepId: String, lease: JobLease, flag: CancellationFlag) async {
        let jobId = job.id
        do {
            guard let record = try await store.sweep(id: sweepId) else { throw StoreError.unknownSweep(sweepId) }
            let sweep = try SweepPlan.decode(json: record.request)
            let mine = try await store.sweepPoints(sweepId: sweepId).filter { $0.jobId == jobId }
            let done = Set(mine.filter { $0.result != nil }.map(\.index))
            guard let path = sweep.paths.first(where: { Set($0) == Set(mine.map(\.index)) }) else {
                throw StoreError.conflict("job \(jobId) holds no path of sweep \(sweepId)")
            }
            _ = try await runner.datasets.loaded(sweep.points[path[0]].plan.dataset)
            logger.info("sweep path started", metadata: [
                "job": "\(jobId)", "sweep": "\(sweepId)", "points": "\(path.count)", "attempt": "\(lease.attempt)",
            ])
            let (reports, continuation) = AsyncStream<PathReport>.makeStream()
            let pathRunner = SweepPathRunner(runner: runner)
            TrainingThreads.run(helpers: runner.threads - 1, nice: runner.nice) {
                do {
                    let completed = try pathRunner.run(sweep: sweep, path: path, done: done, jobId: jobId,
                                                       isCancelled: { flag.isCancelled }) {
                        continuation.yield(.point($0))
                    }
                    continuation.yield(.done(completed: completed))
                } catch {
                    continuation.yield(.failed(String(describing: error)))
                }
                continuation.finish()
            }
            var recorded = done.count
            for await report in reports {
                switch report {
                case .point(let output):
                    _ = try await store.recordSweepPoint(lease, sweepId: sweepId, index: output.result.index,
                                                         result: output.result.json(), storing: output.version)
                    recorded += 1
                    try await store.updateProgress(lease, epoch: Double(recorded))
                case .done(let completed):
                    let status: JobStatus = completed && !flag.isCancelled ? .succeeded : .cancelled
                    _ = try await store.finishJob(lease, status: status, error: nil, at: Date())
                    logger.info("sweep path ended", metadata: ["job": "\(jobId)", "status": "\(status.rawValue)"])
                case .failed(let message):
                    logger.error("sweep path failed", metadata: ["job": "\(jobId)", "error": "\(message)"])
                    try await store.finishJob(lease, status: .failed, error: message, at: Date())
                }
            }
            try await promoteIfDone(sweep: sweep, sweepId: sweepId)
        } catch StoreError.leaseLost {
            logger.warning("sweep point discarded: its lease was lost", metadata: ["job": "\(jobId)"])
        } catch {
            logger.error("sweep path could not be recorded", metadata: ["job": "\(jobId)", "error": "\(error)"])
            _ = try? await store.finishJob(lease, status: .failed, error: String(describing: error), at: Date())
        }
    }

    private func promoteIfDone(sweep: SweepPlan, sweepId: String) async throws {
        if let promoted = try await SweepPromotion.promoteIfDone(store: store, sweep: sweep, sweepId: sweepId) {
            logger.info("sweep promoted its best point", metadata: [
                "sweep": "\(sweepId)", "model": "\(sweep.name)", "alias": "\(promoted.alias)",
                "version": "\(promoted.version)",
            ])
        }
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
