import GRDB

/// A job is a row of `job` as it stands: its coding keys are the column names.
extension JobRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job"
}
