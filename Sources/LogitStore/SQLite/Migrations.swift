import GRDB

/// The schema, as named migrations applied in order. Never edit a shipped migration: add a new one.
/// Migrations name tables and columns in string literals, not through the records' `Columns`: they are the frozen
/// history of the schema, and renaming a Swift property must not rewrite them.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: jobs, curve points, models, versions, aliases") { db in
            try db.create(table: "job") { t in
                t.primaryKey("id", .text)
                t.column("status", .text).notNull().indexed()
                t.column("request", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("started_at", .datetime)
                t.column("finished_at", .datetime)
                t.column("error", .text)
                t.column("model_name", .text)
                t.column("model_version", .integer)
                t.column("progress_epoch", .double).notNull().defaults(to: 0)
                t.column("epochs", .integer).notNull()
            }
            try db.create(table: "curve_point") { t in
                t.column("job_id", .text).notNull().references("job", onDelete: .cascade)
                t.column("sequence", .integer).notNull()
                t.column("point", .text).notNull()
                t.primaryKey(["job_id", "sequence"])
            }
            try db.create(table: "model") { t in
                t.primaryKey("name", .text)
                t.column("created_at", .datetime).notNull()
                t.column("last_version", .integer).notNull()
            }
            try db.create(table: "model_version") { t in
                t.column("name", .text).notNull().references("model", onDelete: .cascade)
                t.column("version", .integer).notNull()
                t.primaryKey(["name", "version"])
                t.column("kind", .text).notNull()
                t.column("classes", .text).notNull()
                t.column("preprocessing", .text).notNull()
                t.column("feature_count", .integer).notNull()
                t.column("output_count", .integer).notNull()
                t.column("image_shape", .text)
                t.column("dataset", .text).notNull()
                t.column("hyperparameters", .text).notNull()
                t.column("metrics", .text)
                t.column("training_seconds", .double).notNull()
                t.column("stop_reason", .text).notNull()
                t.column("epochs_completed", .integer).notNull()
                t.column("job_id", .text)
                t.column("created_at", .datetime).notNull()
                t.column("weights", .blob).notNull()
                t.column("biases", .blob).notNull()
                t.column("curves", .blob).notNull()
            }
            try db.create(table: "model_alias") { t in
                t.column("model_name", .text).notNull().references("model", onDelete: .cascade)
                t.column("alias", .text).notNull()
                t.column("version", .integer).notNull()
                t.primaryKey(["model_name", "alias"])
            }
        }
        migrator.registerMigration("v2: constant feature share and best epoch of versions") { db in
            try db.alter(table: "model_version") { t in
                t.add(column: "constant_feature_share", .double)
                t.add(column: "best_epoch", .double)
            }
        }
        migrator.registerMigration("v3: hidden layer of MLP versions") { db in
            try db.alter(table: "model_version") { t in
                t.add(column: "hidden_units", .integer)
                t.add(column: "activation", .text)
            }
        }
        migrator.registerMigration("v4: job leases and attempts, uploaded data sets") { db in
            try db.alter(table: "job") { t in
                t.add(column: "replica", .text)
                t.add(column: "attempt", .integer).notNull().defaults(to: 0)
                t.add(column: "max_attempts", .integer).notNull().defaults(to: 2)
                t.add(column: "lease_expires_at", .datetime)
            }
            try db.create(table: "dataset") { t in
                t.primaryKey("name", .text)
                t.column("manifest", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("contents", .blob).notNull()
            }
        }
        // The listing summary of uploads (LogitData's DatasetSummary as JSON), so that GET /datasets reads no file.
        // Rows already stored keep NULL: a summary needs the file read, which SQL cannot do; the data set registry
        // fills each in the first time it lists it, once for every replica.
        migrator.registerMigration("v5: listing summaries of uploaded data sets") { db in
            try db.alter(table: "dataset") { t in
                t.add(column: "summary", .text)
            }
        }
        // Sweeps (one request training a grid of points) and the jobs that run them; GET /jobs shows a job's sweep.
        migrator.registerMigration("v6: sweeps and their points") { db in
            try db.create(table: "sweep") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("request", .text).notNull()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "sweep_point") { t in
                t.column("sweep_id", .text).notNull().references("sweep", onDelete: .cascade)
                t.column("point_index", .integer).notNull()
                t.column("job_id", .text).notNull().indexed()
                t.column("result", .text)
                t.column("model_name", .text)
                t.column("model_version", .integer)
                t.primaryKey(["sweep_id", "point_index"])
            }
            try db.alter(table: "job") { t in
                t.add(column: "sweep_id", .text)
            }
            try db.create(index: "job_sweep_id", on: "job", columns: ["sweep_id"])
        }
        return migrator
    }
}
