import Foundation
import LogitJobs
import LogitStore

/// A sweep as `GET /sweeps/{id}` shows it: its settings, status, progress, every point (with its result once it has
/// run) and the best point.
public struct SweepView: Codable, Sendable {
    public struct Progress: Codable, Sendable {
        public var points: Int
        public var done: Int
        public var fraction: Double
    }

    /// One point: the grid's values, the job that runs it, and once run the version it stored and its figures.
    public struct Point: Codable, Sendable {
        public var index: Int
        public var params: [String: JSONValue]
        public var job: String
        public var model: ModelReference?
        public var result: SweepPointResult?

        public init(index: Int, params: [String: JSONValue], job: String, model: ModelReference?,
                    result: SweepPointResult?) {
            self.index = index
            self.params = params
            self.job = job
            self.model = model
            self.result = result
        }

        /// A recorded point, with the grid's values for it.
        public init(_ record: SweepPointRecord, params: [String: JSONValue], result: SweepPointResult?) {
            self.init(index: record.index, params: params, job: record.jobId,
                      model: record.modelName.flatMap { name in
                          record.modelVersion.map { ModelReference(name: name, version: $0) }
                      },
                      result: result)
        }
    }

    public var id: String
    public var name: String
    public var status: JobStatus
    public var progress: Progress
    public var metric: SweepMetric
    public var cvFolds: Int?
    public var promote: String?
    public var keys: [String]
    public var pathKey: String?
    public var createdAt: Date
    public var jobs: [String]
    public var points: [Point]
    /// The point with the best score so far (by `metric`), or null.
    public var best: Point?

    public init(_ record: SweepRecord, plan: SweepPlan, points: [SweepPointRecord], jobs: [JobRecord]) {
        let state = SweepState(plan: plan, points: points, jobs: jobs)
        id = record.id
        name = record.name
        status = state.status
        progress = Progress(points: state.pointCount, done: state.pointsDone,
                            fraction: Double(state.pointsDone) / Double(max(state.pointCount, 1)))
        metric = plan.metric
        cvFolds = plan.cvFolds
        promote = plan.promote
        keys = plan.keys
        pathKey = plan.pathKey
        createdAt = record.createdAt
        self.jobs = jobs.map(\.id)
        let records = Dictionary(points.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
        self.points = plan.points.map { point in
            let result = state.results[point.index]
            guard let record = records[point.index] else {
                return Point(index: point.index, params: point.params, job: "", model: nil, result: result)
            }
            return Point(record, params: point.params, result: result)
        }
        best = state.best.map { self.points[$0] }
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, progress, metric, promote, keys, jobs, points, best
        case cvFolds = "cv_folds"
        case pathKey = "path_key"
        case createdAt = "created_at"
    }

    // Absent optionals are written as null: every field of a sweep is always present (`Sweep` in openapi.yaml).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(progress, forKey: .progress)
        try c.encode(metric, forKey: .metric)
        try c.encode(cvFolds, forKey: .cvFolds)
        try c.encode(promote, forKey: .promote)
        try c.encode(keys, forKey: .keys)
        try c.encode(pathKey, forKey: .pathKey)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(jobs, forKey: .jobs)
        try c.encode(points, forKey: .points)
        try c.encode(best, forKey: .best)
    }
}
