import Foundation
import LogitCore
import LogitStore
import PostgresNIO

/// The job queue on PostgreSQL: a claim takes the oldest queued row with `FOR UPDATE SKIP LOCKED`, so concurrent
/// claims from any number of replicas never wait for each other nor take the same job. Every write of a run
/// names its lease (`id`, `status = 'running'`, `replica`, `attempt`) in its `WHERE`, and does nothing once the
/// lease is lost.
extension PostgresStore {
    static let jobColumns = """
        id, status, request, created_at, started_at, finished_at, error, model_name, model_version, progress_epoch,
        epochs, replica, attempt, max_attempts, lease_expires_at, sweep_id
        """

    typealias JobRow = (
        String, String, String, Date, Date?, Date?, String?, String?, Int?, Double, Int, String?, Int, Int, Date?,
        String?
    )

    static func job(_ row: JobRow) throws -> JobRecord {
        guard let status = JobStatus(rawValue: row.1) else {
            throw StoreError.conflict("job \(row.0) has an unknown status '\(row.1)'")
        }
        var job = JobRecord(id: row.0, status: status, request: row.2, createdAt: row.3, epochs: row.10,
                            maxAttempts: row.13)
        job.startedAt = row.4
        job.finishedAt = row.5
        job.error = row.6
        job.modelName = row.7
        job.modelVersion = row.8
        job.progressEpoch = row.9
        job.replica = row.11
        job.attempt = row.12
        job.leaseExpiresAt = row.14
        job.sweepId = row.15
        return job
    }

    func jobs(_ query: PostgresQuery, on connection: PostgresConnection? = nil) async throws -> [JobRecord] {
        let rows = if let connection {
            try await connection.query(query, logger: logger)
        } else {
            try await client.query(query, logger: logger)
        }
        var jobs: [JobRecord] = []
        for try await row in rows.decode(JobRow.self) { jobs.append(try Self.job(row)) }
        return jobs
    }

    func insert(_ job: JobRecord, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO job (id, status, request, created_at, started_at, epochs, replica, attempt, max_attempts,
                lease_expires_at, sweep_id)
            VALUES (\(job.id), \(job.status.rawValue), \(job.request), \(job.createdAt), \(job.startedAt),
                \(job.epochs), \(job.replica), \(job.attempt), \(job.maxAttempts), \(job.leaseExpiresAt),
                \(job.sweepId))
            """, logger: logger)
        try await notify(.jobQueued, on: connection)
    }

    public func insertJob(_ job: JobRecord) async throws {
        try await database { [self] in
            try await client.withTransaction(logger: logger) { try await self.insert(job, on: $0) }
        }
    }

    /// The advisory lock that serialises first-run checks (held until the transaction ends).
    static let firstRunLockKey = 0x6C6F_6769_7402

    public func insertFirstJob(_ job: JobRecord) async throws -> Bool {
        try await database { [self] in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.firstRunLockKey))", logger: self.logger)
                for try await count in try await connection.query(
                    "SELECT (SELECT count(*) FROM model) + (SELECT count(*) FROM job)", logger: self.logger
                ).decode(Int.self) where count > 0 {
                    return false
                }
                try await self.insert(job, on: connection)
                return true
            }
        }
    }

    public func job(id: String) async throws -> JobRecord? {
        try await database { [self] in try await jobs("SELECT \(unescaped: Self.jobColumns) FROM job WHERE id = \(id)").first }
    }

    public func jobs(limit: Int) async throws -> [JobRecord] {
        try await database { [self] in
            try await jobs("SELECT \(unescaped: Self.jobColumns) FROM job ORDER BY created_at DESC, position DESC LIMIT \(limit)")
        }
    }

    public func jobCounts() async throws -> [JobStatus: Int] {
        try await database { [self] in
            var counts = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
            for try await (status, count) in try await client.query(
                "SELECT status, count(*) FROM job GROUP BY status", logger: logger
            ).decode((String, Int).self) {
                if let status = JobStatus(rawValue: status) { counts[status] = count }
            }
            return counts
        }
    }

    public func claimJob(replica: String, leaseUntil: Date, at date: Date) async throws -> JobRecord? {
        try await database { [self] in
            try await client.withTransaction(logger: logger) { connection in
                let claimed = try await self.jobs("""
                    UPDATE job SET status = 'running', replica = \(replica), attempt = attempt + 1,
                        lease_expires_at = \(leaseUntil), started_at = \(date), progress_epoch = 0
                    WHERE id = (
                        SELECT id FROM job WHERE status = 'queued' ORDER BY created_at, position
                        LIMIT 1 FOR UPDATE SKIP LOCKED
                    )
                    RETURNING \(unescaped: Self.jobColumns)
                    """, on: connection).first
                if let claimed { try await self.notify(.job(id: claimed.id), on: connection) }
                return claimed
            }
        }
    }

    public func renewLease(_ lease: JobLease, until: Date) async throws -> Bool {
        try await database { [self] in
            for try await _ in try await client.query(
                "UPDATE job SET lease_expires_at = \(until) WHERE id = \(lease.jobId) AND status = 'running' AND replica = \(lease.replica) AND attempt = \(lease.attempt) RETURNING id", logger: logger)
            {
                return true
            }
            return false
        }
    }

    public func rescueExpiredJobs(at date: Date) async throws -> ExpiredLeases {
        try await database { [self] in
            try await client.withTransaction(logger: logger) { connection in
                var rescued = ExpiredLeases()
                let expired = try await connection.query("""
                    SELECT id, attempt, max_attempts FROM job
                    WHERE status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < \(date))
                    FOR UPDATE SKIP LOCKED
                    """, logger: self.logger)
                var jobs: [(id: String, attempt: Int, maxAttempts: Int)] = []
                for try await row in expired.decode((String, Int, Int).self) { jobs.append(row) }
                for job in jobs {
                    if job.attempt < job.maxAttempts {
                        try await connection.query("""
                            UPDATE job SET status = 'queued', lease_expires_at = NULL, started_at = NULL,
                                progress_epoch = 0
                            WHERE id = \(job.id)
                            """, logger: self.logger)
                        try await connection.query("DELETE FROM curve_point WHERE job_id = \(job.id)", logger: self.logger)
                        rescued.requeued.append(job.id)
                    } else {
                        try await connection.query("""
                            UPDATE job SET status = 'failed', error = 'interrupted', lease_expires_at = NULL,
                                finished_at = \(date)
                            WHERE id = \(job.id)
                            """, logger: self.logger)
                        rescued.failed.append(job.id)
                    }
                    try await self.notify(.job(id: job.id), on: connection)
                }
                if !rescued.requeued.isEmpty { try await self.notify(.jobQueued, on: connection) }
                return rescued
            }
        }
    }

    public func updateProgress(_ lease: JobLease, epoch: Double) async throws {
        try await database { [self] in
            try await client.query(
                "UPDATE job SET progress_epoch = \(epoch) WHERE id = \(lease.jobId) AND status = 'running' AND replica = \(lease.replica) AND attempt = \(lease.attempt)", logger: logger)
        }
    }

    public func appendCurvePoint(_ lease: JobLease, sequence: Int, point: CurvePoint) async throws {
        let json = String(decoding: try JSONEncoder().encode(point), as: UTF8.self)
        let payload = Self.payload(.job(id: lease.jobId))
        try await database { [self] in
            try await client.query("""
                WITH appended AS (
                    INSERT INTO curve_point (job_id, sequence, point)
                    SELECT \(lease.jobId), \(sequence), \(json) WHERE EXISTS (SELECT 1 FROM job WHERE id = \(lease.jobId) AND status = 'running' AND replica = \(lease.replica) AND attempt = \(lease.attempt))
                    RETURNING job_id
                )
                SELECT pg_notify(\(Self.channel), \(payload)) FROM appended
                """, logger: logger)
        }
    }

    public func curvePoints(jobId: String, after sequence: Int) async throws -> [(sequence: Int, point: CurvePoint)] {
        try await database { [self] in
            let decoder = JSONDecoder()
            var points: [(sequence: Int, point: CurvePoint)] = []
            for try await (number, json) in try await client.query("""
                SELECT sequence, point FROM curve_point WHERE job_id = \(jobId) AND sequence > \(sequence)
                ORDER BY sequence
                """, logger: logger).decode((Int, String).self)
            {
                points.append((number, try decoder.decode(CurvePoint.self, from: Data(json.utf8))))
            }
            return points
        }
    }

    func holds(_ lease: JobLease, on connection: PostgresConnection) async throws -> Bool {
        for try await _ in try await connection.query(
            "SELECT 1 FROM job WHERE id = \(lease.jobId) AND status = 'running' AND replica = \(lease.replica) AND attempt = \(lease.attempt) FOR UPDATE", logger: logger)
        {
            return true
        }
        return false
    }

    public func completeJob(_ lease: JobLease, storing version: ModelVersion, at date: Date) async throws
        -> ModelVersionMetadata
    {
        let metadata = try await database { [self] in
            try await client.withTransaction(logger: logger) { connection in
                guard try await self.holds(lease, on: connection) else { throw StoreError.leaseLost(jobId: lease.jobId) }
                let metadata = try await self.insert(version, on: connection)
                FaultPoint.versionBeforeJobUpdate.reach()
                try await connection.query("""
                    UPDATE job SET status = 'succeeded', finished_at = \(date), lease_expires_at = NULL,
                        progress_epoch = \(Double(version.metadata.epochsCompleted)),
                        model_name = \(metadata.name), model_version = \(metadata.version)
                    WHERE id = \(lease.jobId)
                    """, logger: self.logger)
                try await self.notify(.job(id: lease.jobId), on: connection)
                FaultPoint.versionBeforeCommit.reach()
                return metadata
            }
        }
        FaultPoint.versionAfterCommit.reach()
        return metadata
    }

    @discardableResult
    public func finishJob(_ lease: JobLease, status: JobStatus, error: String?, at date: Date) async throws
        -> JobRecord?
    {
        try await database { [self] in
            try await client.withTransaction(logger: logger) { connection in
                let finished = try await self.jobs("""
                    UPDATE job SET status = \(status.rawValue), error = \(error), finished_at = \(date),
                        lease_expires_at = NULL
                    WHERE id = \(lease.jobId) AND status = 'running' AND replica = \(lease.replica) AND attempt = \(lease.attempt)
                    RETURNING \(unescaped: Self.jobColumns)
                    """, on: connection).first
                if finished != nil { try await self.notify(.job(id: lease.jobId), on: connection) }
                return finished
            }
        }
    }

    public func cancelJob(id: String, at date: Date) async throws -> JobRecord? {
        try await database { [self] in
            try await client.withTransaction(logger: logger) { connection in
                let cancelled = try await self.jobs("""
                    UPDATE job SET status = 'cancelled', finished_at = \(date), lease_expires_at = NULL
                    WHERE id = \(id) AND status IN ('queued', 'running')
                    RETURNING \(unescaped: Self.jobColumns)
                    """, on: connection).first
                if let cancelled {
                    try await self.notify(.job(id: id), on: connection)
                    return cancelled
                }
                return try await self.jobs("SELECT \(unescaped: Self.jobColumns) FROM job WHERE id = \(id)", on: connection).first
            }
        }
    }
}
