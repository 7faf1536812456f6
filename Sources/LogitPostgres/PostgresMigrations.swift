import Logging
import PostgresNIO

/// The PostgreSQL schema, as numbered migrations applied in order, each in its own transaction. Never edit a shipped
/// migration: add a new one. Several replicas starting at once take turns through an advisory lock, so each
/// migration runs once.
enum PostgresMigrations {
    struct Migration {
        let version: Int
        let name: String
        let statements: [PostgresQuery]
    }

    /// The advisory lock key migrations hold (any constant that no other application sharing the database uses).
    static let lockKey = 0x6C6F_6769_7401

    static let all: [Migration] = [
        Migration(version: 1, name: "jobs, curve points, models, versions, aliases, data sets", statements: [
            """
            CREATE TABLE job (
                id text PRIMARY KEY,
                status text NOT NULL,
                request text NOT NULL,
                created_at timestamptz NOT NULL,
                started_at timestamptz,
                finished_at timestamptz,
                error text,
                model_name text,
                model_version integer,
                progress_epoch double precision NOT NULL DEFAULT 0,
                epochs integer NOT NULL,
                replica text,
                attempt integer NOT NULL DEFAULT 0,
                max_attempts integer NOT NULL DEFAULT 2,
                lease_expires_at timestamptz,
                position bigserial NOT NULL
            )
            """,
            "CREATE INDEX job_queued ON job (created_at, position) WHERE status = 'queued'",
            "CREATE INDEX job_running ON job (lease_expires_at) WHERE status = 'running'",
            "CREATE INDEX job_newest ON job (created_at DESC, position DESC)",
            """
            CREATE TABLE curve_point (
                job_id text NOT NULL REFERENCES job (id) ON DELETE CASCADE,
                sequence integer NOT NULL,
                point text NOT NULL,
                PRIMARY KEY (job_id, sequence)
            )
            """,
            """
            CREATE TABLE model (
                name text PRIMARY KEY,
                created_at timestamptz NOT NULL,
                last_version integer NOT NULL
            )
            """,
            """
            CREATE TABLE model_version (
                name text NOT NULL REFERENCES model (name) ON DELETE CASCADE,
                version integer NOT NULL,
                created_at timestamptz NOT NULL,
                position bigserial NOT NULL,
                metadata text NOT NULL,
                output_count integer NOT NULL,
                weights bytea NOT NULL,
                biases bytea NOT NULL,
                curves bytea NOT NULL,
                PRIMARY KEY (name, version)
            )
            """,
            """
            CREATE TABLE model_alias (
                model_name text NOT NULL REFERENCES model (name) ON DELETE CASCADE,
                alias text NOT NULL,
                version integer NOT NULL,
                PRIMARY KEY (model_name, alias)
            )
            """,
            """
            CREATE TABLE dataset (
                name text PRIMARY KEY,
                manifest text NOT NULL,
                created_at timestamptz NOT NULL,
                contents bytea NOT NULL
            )
            """,
        ]),
        // The listing summary of uploads (LogitData's DatasetSummary as JSON), so that GET /datasets reads no file.
        // Rows already stored keep NULL: a summary needs the file read, which SQL cannot do; the data set registry
        // fills each in the first time it lists it, once for every replica.
        Migration(version: 2, name: "listing summaries of uploaded data sets", statements: [
            "ALTER TABLE dataset ADD COLUMN summary text",
        ]),
        // Sweeps (one request training a grid of points) and the jobs that run them; GET /jobs shows a job's sweep.
        Migration(version: 3, name: "sweeps and their points", statements: [
            """
            CREATE TABLE sweep (
                id text PRIMARY KEY,
                name text NOT NULL,
                request text NOT NULL,
                created_at timestamptz NOT NULL,
                position bigserial NOT NULL
            )
            """,
            """
            CREATE TABLE sweep_point (
                sweep_id text NOT NULL REFERENCES sweep (id) ON DELETE CASCADE,
                point_index integer NOT NULL,
                job_id text NOT NULL,
                result text,
                model_name text,
                model_version integer,
                PRIMARY KEY (sweep_id, point_index)
            )
            """,
            "CREATE INDEX sweep_point_job ON sweep_point (job_id)",
            "ALTER TABLE job ADD COLUMN sweep_id text",
            "CREATE INDEX job_sweep ON job (sweep_id) WHERE sweep_id IS NOT NULL",
        ]),
    ]

    /// Applies the migrations the database lacks; returns the names of all applied ones, in order.
    @discardableResult
    static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(lockKey))", logger: logger)
            do {
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS schema_migration (
                        version integer PRIMARY KEY,
                        name text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """, logger: logger)
                var applied = Set<Int>()
                for try await version in try await connection.query(
                    "SELECT version FROM schema_migration", logger: logger).decode(Int.self)
                {
                    applied.insert(version)
                }
                for migration in all where !applied.contains(migration.version) {
                    try await connection.withTransaction(logger: logger) { connection in
                        for statement in migration.statements { try await connection.query(statement, logger: logger) }
                        try await connection.query(
                            "INSERT INTO schema_migration (version, name) VALUES (\(migration.version), \(migration.name))",
                            logger: logger)
                    }
                    logger.info("database migrated", metadata: ["migration": "\(migration.version): \(migration.name)"])
                }
                try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
                throw error
            }
            return all.map { "v\($0.version): \($0.name)" }
        }
    }
}
