import LogitStore

/// A sweep's `promote`: once every job of the sweep has succeeded, its alias points at the best point's version.
/// Whoever ends the last path does it (the scheduler of any replica, or `logit sweep`); two doing it at once set
/// the same alias to the same version.
public enum SweepPromotion {
    /// The alias and version set, or nil when there is nothing to promote yet.
    @discardableResult
    public static func promoteIfDone(store: any StoreBackend, sweep: SweepPlan, sweepId: String) async throws
        -> (alias: String, version: Int)?
    {
        guard let alias = sweep.promote else { return nil }
        let jobs = try await store.sweepJobs(sweepId: sweepId)
        guard jobs.allSatisfy({ $0.status == .succeeded }) else { return nil }
        let points = try await store.sweepPoints(sweepId: sweepId)
        let state = SweepState(plan: sweep, points: points, jobs: jobs)
        guard let best = state.best, let version = points.first(where: { $0.index == best })?.modelVersion else {
            return nil
        }
        try await store.setAlias(name: sweep.name, alias: alias, version: version)
        return (alias, version)
    }
}
