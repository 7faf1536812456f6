import Foundation
import LogitStore
import PostgresNIO

/// Sweeps on PostgreSQL: a point's version and result are written in the transaction that locks the job's row
/// under its lease, so a replica presumed dead cannot record a point that another replica now runs.
extension PostgresStore {
    private static let pointColumns = "sweep_id, point_index, job_id, result, model_name, model_version"

    public func insertSweep(_ sweep: SweepRecord, points: [SweepPointRecord], jobs: [JobRecord]) async throws {
        try await database { [self] in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("""
                    INSERT INTO sweep (id, name, request, created_at)
                    VALUES (\(sweep.id), \(sweep.name), \(sweep.request), \(sweep.createdAt))
                    """, logger: self.logger)
                for job in jobs { try await self.insert(job, on: connection) }
                for point in points {
                    try await connection.query("""
                        INSERT INTO sweep_point (sweep_id, point_index, job_id)
                        VALUES (\(point.sweepId), \(point.index), \(point.jobId))
                        """, logger: self.logger)
                }
            }
        }
    }

    private func sweeps(_ query: PostgresQuery) async throws -> [SweepRecord] {
        var sweeps: [SweepRecord] = []
        for try await (id, name, request, createdAt) in try await client.query(query, logger: logger)
            .decode((String, String, String, Date).self)
        {
            sweeps.append(SweepRecord(id: id, name: name, request: request, createdAt: createdAt))
        }
        return sweeps
    }

    public func sweep(id: String) async throws -> SweepRecord? {
        try await database { [self] in
            try await sweeps("SELECT id, name, request, created_at FROM sweep WHERE id = \(id)").first
        }
    }

    public func sweeps(limit: Int) async throws -> [SweepRecord] {
        try await database { [self] in
            try await sweeps("SELECT id, name, request, created_at FROM sweep ORDER BY created_at DESC, position DESC LIMIT \(limit)")
        }
    }

    public func sweepPoints(sweepId: String) async throws -> [SweepPointRecord] {
        try await database { [self] in
            var points: [SweepPointRecord] = []
            for try await row in try await client.query("""
                SELECT \(unescaped: Self.pointColumns) FROM sweep_point WHERE sweep_id = \(sweepId) ORDER BY point_index
                """, logger: logger).decode((String, Int, String, String?, String?, Int?).self)
            {
                var point = SweepPointRecord(sweepId: row.0, index: row.1, jobId: row.2, result: row.3)
                point.modelName = row.4
                point.modelVersion = row.5
                points.append(point)
            }
            return points
        }
    }

    public func sweepJobs(sweepId: String) async throws -> [JobRecord] {
        try await database { [self] in
            try await jobs("SELECT \(unescaped: Self.jobColumns) FROM job WHERE sweep_id = \(sweepId) ORDER BY created_at, position")
        }
    }

    public func recordSweepPoint(_ lease: JobLease, sweepId: String, index: Int, result: String,
                                 storing version: ModelVersion) async throws -> ModelVersionMetadata
    {
        try await database { [self] in
            try await client.withTransaction(logger: logger) { connection in
                guard try await self.holds(lease, on: connection) else { throw StoreError.leaseLost(jobId: lease.jobId) }
                var open = false
                for try await _ in try await connection.query("""
                    SELECT 1 FROM sweep_point WHERE sweep_id = \(sweepId) AND point_index = \(index)
                        AND job_id = \(lease.jobId) AND result IS NULL FOR UPDATE
                    """, logger: self.logger)
                {
                    open = true
                }
                guard open else {
                    throw StoreError.conflict("point \(index) of sweep \(sweepId) is not this job's to record")
                }
                let metadata = try await self.insert(version, on: connection)
                try await connection.query("""
                    UPDATE sweep_point SET result = \(result), model_name = \(metadata.name),
                        model_version = \(metadata.version)
                    WHERE sweep_id = \(sweepId) AND point_index = \(index)
                    """, logger: self.logger)
                try await self.notify(.job(id: lease.jobId), on: connection)
                return metadata
            }
        }
    }
}
