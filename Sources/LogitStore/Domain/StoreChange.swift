/// What changed in the store, as every replica sharing it hears of it (`ChangeFeed`).
public enum StoreChange: Sendable, Hashable {
    /// A job was queued: idle workers should try to claim it.
    case jobQueued
    /// A job's status, progress or curve changed.
    case job(id: String)
    /// A version was stored or deleted, or an alias moved: cached models may be stale.
    case models
    /// Changes may have been missed (the connection that hears them was down): assume anything changed.
    case resync
}
