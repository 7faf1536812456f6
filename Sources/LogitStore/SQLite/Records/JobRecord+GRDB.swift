import GRDB

/// A job is a row of `job` as it stands: its coding keys are the column names.
extension JobRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job"

    /// Public only because GRDB's `TableRecord` takes it as an associated type; its columns stay internal.
    public enum Columns {
        static let id = Column(CodingKeys.id)
        static let status = Column(CodingKeys.status)
        static let createdAt = Column(CodingKeys.createdAt)
        static let startedAt = Column(CodingKeys.startedAt)
        static let finishedAt = Column(CodingKeys.finishedAt)
        static let error = Column(CodingKeys.error)
        static let progressEpoch = Column(CodingKeys.progressEpoch)
        static let replica = Column(CodingKeys.replica)
        static let attempt = Column(CodingKeys.attempt)
        static let leaseExpiresAt = Column(CodingKeys.leaseExpiresAt)
    }
}
