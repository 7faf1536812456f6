import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

public struct JobView: Codable, Sendable {
    public struct Progress: Codable, Sendable {
        public var epoch: Double
        public var epochs: Int
        public var fraction: Double
    }

    public var id: String
    public var status: JobStatus
    public var progress: Progress
    public var model: ModelReference?
    public var error: String?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var request: TrainingPlan?
    /// The replica that runs the job, or ran it last.
    public var replica: String?
    /// Runs started so far (a run whose replica died is started again elsewhere).
    public var attempt: Int
    /// The sweep whose points the job runs (`GET /sweeps/{id}`), or null.
    public var sweepId: String?

    public init(_ job: JobRecord) {
        id = job.id
        status = job.status
        let epoch = job.status == .succeeded ? Double(job.epochs) : job.progressEpoch
        progress = Progress(epoch: epoch, epochs: job.epochs,
                            fraction: job.status == .succeeded ? 1 : min(1, epoch / Double(max(job.epochs, 1))))
        model = job.modelName.flatMap { name in job.modelVersion.map { ModelReference(name: name, version: $0) } }
        error = job.error
        createdAt = job.createdAt
        startedAt = job.startedAt
        finishedAt = job.finishedAt
        request = try? TrainingPlan.decode(json: job.request)
        replica = job.replica
        attempt = job.attempt
        sweepId = job.sweepId
    }

    enum CodingKeys: String, CodingKey {
        case id, status, progress, model, error, request, replica, attempt
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case sweepId = "sweep_id"
    }

    // Absent optionals are written as null: every field of a job is always present (`Job` in public/openapi.yaml).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(status, forKey: .status)
        try c.encode(progress, forKey: .progress)
        try c.encode(model, forKey: .model)
        try c.encode(error, forKey: .error)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(request, forKey: .request)
        try c.encode(replica, forKey: .replica)
        try c.encode(attempt, forKey: .attempt)
        try c.encode(sweepId, forKey: .sweepId)
    }
}
