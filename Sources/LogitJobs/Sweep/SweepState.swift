import LogitStore

/// Where a sweep stands, from its jobs and its recorded points: its status, how many points are done, and the
/// best point so far.
public struct SweepState: Sendable {
    public var status: JobStatus
    public var pointsDone: Int
    public var pointCount: Int
    /// Recorded results, by point index.
    public var results: [Int: SweepPointResult]
    /// The index of the point with the best score (ties: the stronger penalty, the simpler model), nil before any.
    public var best: Int?

    public init(plan: SweepPlan, points: [SweepPointRecord], jobs: [JobRecord]) {
        var results: [Int: SweepPointResult] = [:]
        for point in points {
            if let json = point.result, let result = try? SweepPointResult.decode(json: json) {
                results[point.index] = result
            }
        }
        self.results = results
        pointsDone = results.count
        pointCount = plan.points.count
        let statuses = jobs.map(\.status)
        status = if statuses.contains(.running) { .running }
            else if statuses.contains(.queued) { statuses.contains(where: \.isFinished) ? .running : .queued }
            else if statuses.allSatisfy({ $0 == .succeeded }) { .succeeded }
            else if statuses.contains(.failed) { .failed }
            else { .cancelled }
        var best: SweepPointResult?
        for result in results.values.sorted(by: { $0.index < $1.index }) where result.score.isFinite {
            guard let current = best else { best = result; continue }
            if plan.metric.isBetter(result.score, than: current.score)
                || (result.score == current.score && result.lambda > current.lambda)
            {
                best = result
            }
        }
        self.best = best?.index
    }
}
