import Foundation
import GRDB
import LogitCore

/// The job queue on SQLite: a claim is one write transaction, which SQLite runs one at a time, so two claims never
/// take the same job. Workers in this process are woken through `changes`.
extension SQLiteStore {
    public func insertJob(_ job: JobRecord) async throws {
        try await database.write { try job.insert($0) }
        changes.publish(.jobQueued)
    }

    public func insertFirstJob(_ job: JobRecord) async throws -> Bool {
        let inserted = try await database.write { db in
            guard try ModelRecord.fetchCount(db) == 0, try JobRecord.fetchCount(db) == 0 else { return false }
            try job.insert(db)
            return true
        }
        if inserted { changes.publish(.jobQueued) }
        return inserted
    }

    public func job(id: String) async throws -> JobRecord? {
        try await database.read { try JobRecord.fetchOne($0, key: id) }
    }

    public func jobs(limit: Int) async throws -> [JobRecord] {
        try await database.read { db in
            try JobRecord.order { [$0.createdAt.desc, Column.rowID.desc] }.limit(limit).fetchAll(db)
        }
    }

    public func jobCounts() async throws -> [JobStatus: Int] {
        try await database.read { db in
            var counts = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
            let statusCounts = JobRecord.select { [$0.status, SQL("COUNT(*)")] }.group(\.status).asRequest(of: Row.self)
            for row in try statusCounts.fetchAll(db) {
                if let status = JobStatus(rawValue: row[0]) { counts[status] = row[1] }
            }
            return counts
        }
    }

    public func claimJob(replica: String, leaseUntil: Date, at date: Date) async throws -> JobRecord? {
        let claimed = try await database.write { db -> JobRecord? in
            guard var job = try JobRecord.filter({ $0.status == JobStatus.queued.rawValue })
                .order({ [$0.createdAt, Column.rowID] }).fetchOne(db)
            else { return nil }
            job.status = .running
            job.replica = replica
            job.attempt += 1
            job.leaseExpiresAt = leaseUntil
            job.startedAt = date
            job.progressEpoch = 0
            try job.update(db)
            return job
        }
        if let claimed { changes.publish(.job(id: claimed.id)) }
        return claimed
    }

    /// The running job `lease` names, if the lease still holds it.
    private static func leased(_ lease: JobLease) -> QueryInterfaceRequest<JobRecord> {
        JobRecord.filter { $0.id == lease.jobId }
            .filter { $0.status == JobStatus.running.rawValue }
            .filter { $0.replica == lease.replica }
            .filter { $0.attempt == lease.attempt }
    }

    public func renewLease(_ lease: JobLease, until: Date) async throws -> Bool {
        try await database.write { db in
            try Self.leased(lease).updateAll(db) { $0.leaseExpiresAt.set(to: until) } > 0
        }
    }

    public func rescueExpiredJobs(at date: Date) async throws -> ExpiredLeases {
        let rescued = try await database.write { db -> ExpiredLeases in
            // A running job without a lease was left by a version of the service that had none: its process is gone.
            let expired = try JobRecord.filter { $0.status == JobStatus.running.rawValue }
                .filter { $0.leaseExpiresAt == nil || $0.leaseExpiresAt < date }.fetchAll(db)
            var rescued = ExpiredLeases()
            for var job in expired {
                if job.attempt < job.maxAttempts {
                    job.status = .queued
                    job.leaseExpiresAt = nil
                    job.startedAt = nil
                    job.progressEpoch = 0
                    try CurvePointRecord.filter { $0.jobId == job.id }.deleteAll(db)
                    rescued.requeued.append(job.id)
                } else {
                    job.status = .failed
                    job.error = "interrupted"
                    job.leaseExpiresAt = nil
                    job.finishedAt = date
                    rescued.failed.append(job.id)
                }
                try job.update(db)
            }
            return rescued
        }
        for id in rescued.requeued + rescued.failed { changes.publish(.job(id: id)) }
        if !rescued.requeued.isEmpty { changes.publish(.jobQueued) }
        return rescued
    }

    public func updateProgress(_ lease: JobLease, epoch: Double) async throws {
        try await database.write { db in
            _ = try Self.leased(lease).updateAll(db) { $0.progressEpoch.set(to: epoch) }
        }
    }

    public func appendCurvePoint(_ lease: JobLease, sequence: Int, point: CurvePoint) async throws {
        let json = String(decoding: try JSONEncoder().encode(point), as: UTF8.self)
        let appended = try await database.write { db in
            guard try Self.leased(lease).fetchCount(db) > 0 else { return false }
            try CurvePointRecord(jobId: lease.jobId, sequence: sequence, point: json).insert(db)
            return true
        }
        if appended { changes.publish(.job(id: lease.jobId)) }
    }

    public func curvePoints(jobId: String, after sequence: Int) async throws -> [(sequence: Int, point: CurvePoint)] {
        let records = try await database.read { db in
            try CurvePointRecord.filter { $0.jobId == jobId && $0.sequence > sequence }.order(\.sequence).fetchAll(db)
        }
        let decoder = JSONDecoder()
        return try records.map { ($0.sequence, try decoder.decode(CurvePoint.self, from: Data($0.point.utf8))) }
    }

    public func completeJob(_ lease: JobLease, storing version: ModelVersion, at date: Date) async throws
        -> ModelVersionMetadata
    {
        let metadata = try await database.write { db in
            guard var job = try Self.leased(lease).fetchOne(db) else { throw StoreError.leaseLost(jobId: lease.jobId) }
            let metadata = try Self.insert(version, db: db)
            FaultPoint.versionBeforeJobUpdate.reach()
            job.status = .succeeded
            job.finishedAt = date
            job.leaseExpiresAt = nil
            job.progressEpoch = Double(version.metadata.epochsCompleted)
            job.modelName = metadata.name
            job.modelVersion = metadata.version
            try job.update(db)
            FaultPoint.versionBeforeCommit.reach()
            return metadata
        }
        FaultPoint.versionAfterCommit.reach()
        changes.publish(.models)
        changes.publish(.job(id: lease.jobId))
        return metadata
    }

    @discardableResult
    public func finishJob(_ lease: JobLease, status: JobStatus, error: String?, at date: Date) async throws
        -> JobRecord?
    {
        let finished = try await database.write { db -> JobRecord? in
            guard var job = try Self.leased(lease).fetchOne(db) else { return nil }
            job.status = status
            job.error = error
            job.finishedAt = date
            job.leaseExpiresAt = nil
            try job.update(db)
            return job
        }
        if finished != nil { changes.publish(.job(id: lease.jobId)) }
        return finished
    }

    public func cancelJob(id: String, at date: Date) async throws -> JobRecord? {
        let (job, changed) = try await database.write { db -> (JobRecord?, Bool) in
            guard var job = try JobRecord.fetchOne(db, key: id) else { return (nil, false) }
            guard !job.status.isFinished else { return (job, false) }
            job.status = .cancelled
            job.finishedAt = date
            job.leaseExpiresAt = nil
            try job.update(db)
            return (job, true)
        }
        if changed { changes.publish(.job(id: id)) }
        return job
    }
}
