import Foundation

/// One database holding everything the service keeps: models, jobs and uploaded data sets, with a feed of what
/// changes in it, whoever changed it. `SQLiteStore` serves one process; `PostgresStore` (LogitPostgres) serves
/// any number of replicas.
public protocol StoreBackend: ModelStore, JobQueue, DatasetStore, SweepStore {
    /// Changes made through any process sharing the database, as they are committed.
    var changes: ChangeFeed { get }
    /// Brings the schema up to date. Safe when several processes start together.
    func prepare() async throws
    /// Whether the database answers now (readiness).
    func ping() async throws
}
