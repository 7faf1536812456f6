import Foundation
import LogitCore
import LogitStore
import Testing

/// What every backend promises (`ModelStore`, `JobQueue`, `DatasetStore`, `ChangeFeed`), run against each.
@Suite struct StoreContractTests {
    static func queuedJob(_ id: String, maxAttempts: Int = 2, createdAt: Date = Date()) -> JobRecord {
        JobRecord(id: id, request: "{}", createdAt: createdAt, epochs: 3, maxAttempts: maxAttempts)
    }

    static func point(_ step: Int) -> CurvePoint {
        CurvePoint(step: step, epoch: Double(step), wallSeconds: 0, learningRate: 1, weightNorm: 0, trainLoss: 1,
                   trainObjective: 1, trainAccuracy: 0)
    }

    @Test(arguments: Backend.allCases) func versionsRoundTripBitExactly(backend: Backend) async throws {
        try await backend.withStores { store, other in
            let original = sampleVersion()
            #expect(try await store.insertVersion(original).version == 1)
            #expect(try await store.insertVersion(original).version == 2)
            let loaded = try #require(try await other.version(name: "digits", number: 1))
            #expect(loaded.model.weights.map(\.bitPattern) == original.model.weights.map(\.bitPattern))
            #expect(loaded.model.biases.map(\.bitPattern) == original.model.biases.map(\.bitPattern))
            #expect(loaded.metadata.classes == original.metadata.classes)
            #expect(loaded.metadata.preprocessing == original.metadata.preprocessing)
            #expect(loaded.metadata.metrics == original.metadata.metrics)
            #expect(loaded.curves == original.curves)

            var mlpVersion = sampleVersion(name: "mlp")
            let parameters = MLPModel.initialParameters(features: 3, hidden: 4, classes: 2, activation: .sigmoid, seed: 1)
            let mlp = MLPModel(featureCount: 3, hiddenCount: 4, classCount: 2, activation: .sigmoid, parameters: parameters)
            mlpVersion.model = .mlp(mlp)
            mlpVersion.metadata.kind = .mlp
            mlpVersion.metadata.hiddenUnits = 4
            mlpVersion.metadata.activation = .sigmoid
            _ = try await store.insertVersion(mlpVersion)
            #expect(try await other.version(name: "mlp", number: 1)?.model == .mlp(mlp))
            #expect(try await other.models().map(\.name) == ["digits", "mlp"])
        }
    }

    @Test(arguments: Backend.allCases) func referencesAliasesAndTheDefaultModel(backend: Backend) async throws {
        try await backend.withStores { store, _ in
            _ = try await store.insertVersion(sampleVersion(name: "a"))
            _ = try await store.insertVersion(sampleVersion(name: "a"))
            _ = try await store.insertVersion(sampleVersion(name: "b"))
            #expect(try await store.resolve(name: "a", reference: .latest).version == 2)
            #expect(try await store.defaultVersion()?.name == "b")
            try await store.setAlias(name: "a", alias: "default", version: 1)
            #expect(try await store.resolve(name: "a", reference: .alias("default")).version == 1)
            #expect(try await store.defaultVersion().map { "\($0.name)@\($0.version)" } == "a@1")
            await #expect(throws: StoreError.unknownVersion(name: "a", reference: "9")) {
                try await store.setAlias(name: "a", alias: "x", version: 9)
            }
            await #expect(throws: StoreError.unknownModel("zz")) { try await store.resolve(name: "zz", reference: .latest) }
            // Deleting the aliased version removes the alias with it.
            try await store.deleteVersion(name: "a", number: 1)
            #expect(try await store.model(named: "a")?.aliases == [:])
            #expect(try await store.defaultVersion()?.name == "b")
            await #expect(throws: StoreError.unknownVersion(name: "a", reference: "1")) {
                try await store.deleteVersion(name: "a", number: 1)
            }
            // Numbers are never reused.
            #expect(try await store.insertVersion(sampleVersion(name: "a")).version == 3)
        }
    }

    @Test(arguments: Backend.allCases) func concurrentWorkersClaimDistinctJobsOldestFirst(backend: Backend) async throws {
        try await backend.withStores { store, other in
            let start = Date()
            for index in 0..<8 {
                try await store.insertJob(Self.queuedJob("job\(index)", createdAt: start.addingTimeInterval(Double(index))))
            }
            let claimed = try await withThrowingTaskGroup(of: JobRecord?.self) { group in
                for worker in 0..<10 {
                    let queue = worker.isMultiple(of: 2) ? store : other
                    group.addTask {
                        try await queue.claimJob(replica: "w\(worker)", leaseUntil: Date() + 60, at: Date())
                    }
                }
                var claimed: [JobRecord] = []
                for try await job in group { if let job { claimed.append(job) } }
                return claimed
            }
            #expect(claimed.count == 8)
            #expect(Set(claimed.map(\.id)).count == 8)
            #expect(claimed.allSatisfy { $0.status == .running && $0.attempt == 1 && $0.replica != nil })
            #expect(try await store.jobCounts()[.running] == 8)

            // One at a time, the oldest queued job is claimed first.
            try await store.insertJob(Self.queuedJob("later", createdAt: start.addingTimeInterval(100)))
            try await store.insertJob(Self.queuedJob("earlier", createdAt: start.addingTimeInterval(50)))
            #expect(try await other.claimJob(replica: "w", leaseUntil: Date() + 60, at: Date())?.id == "earlier")
        }
    }

    @Test(arguments: Backend.allCases) func anExpiredLeaseIsRequeuedThenFailsAsInterrupted(backend: Backend) async throws {
        try await backend.withStores { store, other in
            // Leases of a minute, and rescues "a minute later": a slow machine (ThreadSanitizer) cannot let one
            // expire before the test says so.
            let now = Date()
            try await store.insertJob(Self.queuedJob("j"))
            let first = try #require(try await store.claimJob(replica: "dead", leaseUntil: now + 60, at: now))
            let firstLease = try #require(first.lease)
            try await store.appendCurvePoint(firstLease, sequence: 1, point: Self.point(1))
            // Not expired yet: nothing to rescue.
            #expect(try await other.rescueExpiredJobs(at: now + 59).isEmpty)

            #expect(try await other.rescueExpiredJobs(at: now + 61) == ExpiredLeases(requeued: ["j"]))
            let requeued = try #require(try await other.job(id: "j"))
            #expect(requeued.status == .queued && requeued.attempt == 1)
            #expect(try await other.curvePoints(jobId: "j", after: 0).isEmpty)

            let second = try #require(try await other.claimJob(replica: "alive", leaseUntil: now + 120, at: now + 61))
            #expect(second.id == "j" && second.attempt == 2 && second.replica == "alive")
            // The presumed-dead replica wakes up: its writes are refused, and it learns that it lost the lease.
            #expect(try await store.renewLease(firstLease, until: Date() + 60) == false)
            try await store.appendCurvePoint(firstLease, sequence: 1, point: Self.point(7))
            #expect(try await store.curvePoints(jobId: "j", after: 0).isEmpty)
            await #expect(throws: StoreError.leaseLost(jobId: "j")) {
                try await store.completeJob(firstLease, storing: sampleVersion(), at: Date())
            }
            #expect(try await store.finishJob(firstLease, status: .failed, error: "late", at: Date()) == nil)
            #expect(try await store.models().isEmpty)

            // Out of attempts: failed, interrupted.
            #expect(try await store.rescueExpiredJobs(at: now + 119).isEmpty)
            #expect(try await store.rescueExpiredJobs(at: now + 121) == ExpiredLeases(failed: ["j"]))
            let failed = try #require(try await store.job(id: "j"))
            #expect(failed.status == .failed && failed.error == "interrupted" && failed.finishedAt != nil)
        }
    }

    @Test(arguments: Backend.allCases) func completingAJobStoresTheVersionAndTheStatusTogether(backend: Backend) async throws {
        try await backend.withStores { store, other in
            try await store.insertJob(Self.queuedJob("j1"))
            let job = try #require(try await store.claimJob(replica: "r", leaseUntil: Date() + 60, at: Date()))
            let lease = try #require(job.lease)
            #expect(try await store.renewLease(lease, until: Date() + 120))
            try await store.updateProgress(lease, epoch: 1.5)
            #expect(try await other.job(id: "j1")?.progressEpoch == 1.5)
            for step in 1...3 { try await store.appendCurvePoint(lease, sequence: step, point: Self.point(step)) }
            #expect(try await other.curvePoints(jobId: "j1", after: 1).map(\.sequence) == [2, 3])
            #expect(try await other.curvePoints(jobId: "j1", after: 1).map(\.point) == [Self.point(2), Self.point(3)])

            var version = sampleVersion()
            version.metadata.jobId = "j1"
            let metadata = try await store.completeJob(lease, storing: version, at: Date())
            let done = try #require(try await other.job(id: "j1"))
            #expect(done.status == .succeeded && done.modelName == "digits" && done.modelVersion == metadata.version)
            // Completing twice stores nothing more.
            await #expect(throws: StoreError.leaseLost(jobId: "j1")) {
                try await store.completeJob(lease, storing: version, at: Date())
            }
            #expect(try await other.model(named: "digits")?.versions.count == 1)
        }
    }

    @Test(arguments: Backend.allCases) func sweepsKeepTheirPointsUnderTheirJobsLeases(backend: Backend) async throws {
        try await backend.withStores { store, other in
            let sweep = SweepRecord(id: "s1", name: "digits", request: #"{"grid":1}"#, createdAt: Date())
            let jobs = [
                JobRecord(id: "p1", request: "{}", createdAt: Date(), epochs: 2, sweepId: "s1"),
                JobRecord(id: "p2", request: "{}", createdAt: Date() + 0.001, epochs: 1, sweepId: "s1"),
            ]
            let points = [
                SweepPointRecord(sweepId: "s1", index: 0, jobId: "p1"), SweepPointRecord(sweepId: "s1", index: 1, jobId: "p1"),
                SweepPointRecord(sweepId: "s1", index: 2, jobId: "p2"),
            ]
            try await store.insertSweep(sweep, points: points, jobs: jobs)
            try await store.insertJob(Self.queuedJob("plain"))
            let stored = try #require(try await other.sweep(id: "s1"))
            #expect(stored.name == sweep.name && stored.request == sweep.request)
            #expect(abs(stored.createdAt.timeIntervalSince(sweep.createdAt)) < 0.002)
            #expect(try await other.sweep(id: "nope") == nil)
            #expect(try await other.sweeps(limit: 10).map(\.id) == ["s1"])
            #expect(try await other.sweepPoints(sweepId: "s1") == points)
            #expect(try await other.sweepJobs(sweepId: "s1").map(\.id) == ["p1", "p2"])
            #expect(try await other.job(id: "p1")?.sweepId == "s1")
            #expect(try await other.job(id: "plain")?.sweepId == nil)

            let job = try #require(try await store.claimJob(replica: "r", leaseUntil: Date() + 60, at: Date()))
            #expect(job.id == "p1" && job.sweepId == "s1")
            let lease = try #require(job.lease)
            let metadata = try await store.recordSweepPoint(lease, sweepId: "s1", index: 0, result: #"{"score":1}"#,
                                                            storing: sampleVersion())
            let recorded = try await other.sweepPoints(sweepId: "s1")
            #expect(recorded[0].result == #"{"score":1}"# && recorded[0].modelName == "digits")
            #expect(recorded[0].modelVersion == metadata.version && recorded[1].result == nil)
            // A point is recorded once, only by the job that holds it, and only under a lease that still holds.
            await #expect(throws: StoreError.self) {
                try await store.recordSweepPoint(lease, sweepId: "s1", index: 0, result: "{}", storing: sampleVersion())
            }
            await #expect(throws: StoreError.self) {
                try await store.recordSweepPoint(lease, sweepId: "s1", index: 2, result: "{}", storing: sampleVersion())
            }
            _ = try await other.cancelJob(id: "p1", at: Date())
            await #expect(throws: StoreError.leaseLost(jobId: "p1")) {
                try await store.recordSweepPoint(lease, sweepId: "s1", index: 1, result: "{}", storing: sampleVersion())
            }
            #expect(try await other.model(named: "digits")?.versions.count == 1)
        }
    }

    @Test(arguments: Backend.allCases) func cancelReachesAJobClaimedElsewhere(backend: Backend) async throws {
        try await backend.withStores { store, other in
            try await store.insertJob(Self.queuedJob("queued"))
            #expect(try await other.cancelJob(id: "queued", at: Date())?.status == .cancelled)
            #expect(try await store.claimJob(replica: "r", leaseUntil: Date() + 60, at: Date()) == nil)

            try await store.insertJob(Self.queuedJob("running"))
            let lease = try #require(try await store.claimJob(replica: "r", leaseUntil: Date() + 60, at: Date())?.lease)
            let cancelled = try #require(try await other.cancelJob(id: "running", at: Date()))
            #expect(cancelled.status == .cancelled)
            #expect(try await store.renewLease(lease, until: Date() + 60) == false)
            await #expect(throws: StoreError.leaseLost(jobId: "running")) {
                try await store.completeJob(lease, storing: sampleVersion(), at: Date())
            }
            // Cancelling a finished job changes nothing.
            #expect(try await other.cancelJob(id: "running", at: Date())?.status == .cancelled)
            #expect(try await other.cancelJob(id: "nope", at: Date()) == nil)
        }
    }

    @Test(arguments: Backend.allCases) func onlyOneFirstJobAmongReplicasStartingTogether(backend: Backend) async throws {
        try await backend.withStores { store, other in
            let inserted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<6 {
                    let queue = index.isMultiple(of: 2) ? store : other
                    group.addTask { try await queue.insertFirstJob(Self.queuedJob("first\(index)")) }
                }
                var count = 0
                for try await didInsert in group where didInsert { count += 1 }
                return count
            }
            #expect(inserted == 1)
            #expect(try await store.jobs(limit: 10).count == 1)
        }
    }

    @Test(arguments: Backend.allCases) func uploadedDatasetsAreShared(backend: Backend) async throws {
        try await backend.withStores { store, other in
            let dataset = StoredDataset(name: "tiny", manifest: #"{"format":"csv"}"#, createdAt: Date())
            try await store.insertDataset(dataset, contents: Data("1,2,0\n".utf8))
            #expect(try await other.storedDatasets().map(\.name) == ["tiny"])
            #expect(try await other.datasetContents(name: "tiny") == Data("1,2,0\n".utf8))
            #expect(try await other.datasetContents(name: "none") == nil)
            await #expect(throws: StoreError.self) { try await other.insertDataset(dataset, contents: Data()) }
        }
    }

    /// A summary is stored with an upload, read back by every handle, and one stored without (before summaries
    /// were kept) can be filled in later; filling in an unknown name changes nothing.
    @Test(arguments: Backend.allCases) func uploadSummariesAreKeptAndFilledIn(backend: Backend) async throws {
        try await backend.withStores { store, other in
            let summary = #"{"classes":[0,1],"features":2,"train_rows":1}"#
            try await store.insertDataset(
                StoredDataset(name: "with", manifest: #"{"format":"csv"}"#, summary: summary, createdAt: Date()),
                contents: Data("1,2,0\n".utf8))
            try await store.insertDataset(StoredDataset(name: "without", manifest: #"{"format":"csv"}"#, createdAt: Date()),
                                          contents: Data("1,2,1\n".utf8))
            var listed = try await other.storedDatasets()
            #expect(listed.map(\.name) == ["with", "without"])
            #expect(listed.map(\.summary) == [summary, nil])
            try await other.setDatasetSummary(name: "without", summary: #"{"features":2}"#)
            try await other.setDatasetSummary(name: "none", summary: "{}")
            listed = try await store.storedDatasets()
            #expect(listed.map(\.summary) == [summary, #"{"features":2}"#])
            #expect(listed.map(\.name) == ["with", "without"])
        }
    }

    @Test(arguments: Backend.allCases) func changesMadeThroughOneHandleAreHeardThroughTheOther(backend: Backend) async throws {
        try await backend.withStores { store, other in
            _ = try await store.insertVersion(sampleVersion())
            let heard = other.changes.subscribe()
            // PostgreSQL: the listener may still be connecting; it announces `resync` once it listens.
            try await Task.sleep(for: .milliseconds(300))
            try await store.setAlias(name: "digits", alias: "best", version: 1)
            try await store.insertJob(Self.queuedJob("j"))
            var changes: Set<StoreChange> = []
            let deadline = ContinuousClock.now + .seconds(2)
            let timeout = Task {
                try await Task.sleep(for: .seconds(3))
                other.changes.publish(.resync)
            }
            defer { timeout.cancel() }
            for await change in heard {
                changes.insert(change)
                if changes.isSuperset(of: [.models, .jobQueued]) || ContinuousClock.now > deadline { break }
            }
            #expect(changes.isSuperset(of: [.models, .jobQueued]))
        }
    }
}
