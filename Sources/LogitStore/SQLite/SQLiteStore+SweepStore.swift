import Foundation
import GRDB

/// Sweeps on SQLite: a point's version and result are written in the transaction that checks the job's lease.
extension SQLiteStore {
    public func insertSweep(_ sweep: SweepRecord, points: [SweepPointRecord], jobs: [JobRecord]) async throws {
        try await database.write { db in
            try sweep.insert(db)
            for job in jobs { try job.insert(db) }
            for point in points { try point.insert(db) }
        }
        changes.publish(.jobQueued)
    }

    public func sweep(id: String) async throws -> SweepRecord? {
        try await database.read { try SweepRecord.fetchOne($0, key: id) }
    }

    public func sweeps(limit: Int) async throws -> [SweepRecord] {
        try await database.read { db in
            try SweepRecord.order(Column("created_at").desc, Column.rowID.desc).limit(limit).fetchAll(db)
        }
    }

    public func sweepPoints(sweepId: String) async throws -> [SweepPointRecord] {
        try await database.read { db in
            try SweepPointRecord.filter(Column("sweep_id") == sweepId).order(Column("point_index")).fetchAll(db)
        }
    }

    public func sweepJobs(sweepId: String) async throws -> [JobRecord] {
        try await database.read { db in
            try JobRecord.filter(Column("sweep_id") == sweepId).order(Column("created_at"), Column.rowID).fetchAll(db)
        }
    }

    public func recordSweepPoint(_ lease: JobLease, sweepId: String, index: Int, result: String,
                                 storing version: ModelVersion) async throws -> ModelVersionMetadata
    {
        let metadata = try await database.write { db in
            let leased = try JobRecord.filter(Column("id") == lease.jobId)
                .filter(Column("status") == JobStatus.running.rawValue)
                .filter(Column("replica") == lease.replica)
                .filter(Column("attempt") == lease.attempt).fetchCount(db) > 0
            guard leased else { throw StoreError.leaseLost(jobId: lease.jobId) }
            guard var point = try SweepPointRecord.filter(Column("sweep_id") == sweepId)
                .filter(Column("point_index") == index).filter(Column("job_id") == lease.jobId).fetchOne(db),
                point.result == nil
            else { throw StoreError.conflict("point \(index) of sweep \(sweepId) is not this job's to record") }
            let metadata = try Self.insert(version, db: db)
            point.result = result
            point.modelName = metadata.name
            point.modelVersion = metadata.version
            try point.update(db)
            return metadata
        }
        changes.publish(.models)
        changes.publish(.job(id: lease.jobId))
        return metadata
    }
}
