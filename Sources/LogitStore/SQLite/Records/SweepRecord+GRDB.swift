import GRDB

/// A sweep is a row of `sweep`: its coding keys are the column names.
extension SweepRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "sweep"
}

/// A sweep's point is a row of `sweep_point`: its coding keys are the column names.
extension SweepPointRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "sweep_point"
}
