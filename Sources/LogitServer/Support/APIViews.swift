import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

/// The JSON shapes of the API (see public/openapi.yaml).

struct ModelReference: Codable, Sendable, Equatable {
    var name: String
    var version: Int
}

struct JobView: Encodable {
    struct Progress: Encodable {
        var epoch: Double
        var epochs: Int
        var fraction: Double
    }

    var id: String
    var status: JobStatus
    var progress: Progress
    var model: ModelReference?
    var error: String?
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?
    var request: TrainingPlan?

    init(_ job: JobRecord) {
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
    }

    enum CodingKeys: String, CodingKey {
        case id, status, progress, model, error, request
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }

    // Absent optionals are written as null: every field of a job is always present (`Job` in public/openapi.yaml).
    func encode(to encoder: any Encoder) throws {
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
    }
}

struct InputDescription: Encodable {
    var name: String
    var shape: [Int]
    var range: [Double]?
}

struct VersionView: Encodable {
    var name: String
    var version: Int
    var kind: ModelKind
    var classes: [ClassLabel]
    var input: InputDescription
    var preprocessing: Preprocessing
    var dataset: String
    var hyperparameters: TrainingPlan?
    var metrics: MetricsSummary?
    var trainingSeconds: Double
    var stopReason: String
    var epochsCompleted: Int
    var bestEpoch: Double?
    var hiddenUnits: Int?
    var activation: Activation?
    var jobId: String?
    var createdAt: Date
    var aliases: [String]

    struct MetricsSummary: Encodable {
        var accuracy: Double
        var logLoss: Double
        var count: Int
        enum CodingKeys: String, CodingKey {
            case accuracy, count
            case logLoss = "log_loss"
        }
    }

    init(_ metadata: ModelVersionMetadata, aliases: [String]) {
        name = metadata.name
        version = metadata.version
        kind = metadata.kind
        classes = metadata.classes
        input = metadata.imageShape != nil
            ? InputDescription(name: "pixels", shape: [-1, metadata.featureCount], range: [0, 255])
            : InputDescription(name: "features", shape: [-1, metadata.featureCount], range: nil)
        preprocessing = metadata.preprocessing
        dataset = metadata.dataset
        hyperparameters = try? TrainingPlan.decode(json: metadata.hyperparameters)
        metrics = metadata.metrics.map { MetricsSummary(accuracy: $0.accuracy, logLoss: $0.logLoss, count: $0.count) }
        trainingSeconds = metadata.trainingSeconds
        stopReason = metadata.stopReason
        epochsCompleted = metadata.epochsCompleted
        bestEpoch = metadata.bestEpoch
        hiddenUnits = metadata.hiddenUnits
        activation = metadata.activation
        jobId = metadata.jobId
        createdAt = metadata.createdAt
        self.aliases = aliases.sorted()
    }

    enum CodingKeys: String, CodingKey {
        case name, version, kind, classes, input, preprocessing, dataset, hyperparameters, metrics, aliases
        case trainingSeconds = "training_seconds"
        case stopReason = "stop_reason"
        case epochsCompleted = "epochs_completed"
        case bestEpoch = "best_epoch"
        case hiddenUnits = "hidden_units"
        case activation
        case jobId = "job_id"
        case createdAt = "created_at"
    }
}

struct ModelView: Encodable {
    var name: String
    var latestVersion: Int?
    var aliases: [String: Int]
    var createdAt: Date
    var versions: [VersionView]?
    var versionCount: Int

    init(_ summary: ModelSummary, includeVersions: Bool) {
        name = summary.name
        latestVersion = summary.latestVersion
        aliases = summary.aliases
        createdAt = summary.createdAt
        versionCount = summary.versions.count
        versions = includeVersions
            ? summary.versions.map { version in
                VersionView(version, aliases: summary.aliases.filter { $0.value == version.version }.map(\.key))
            }
            : nil
    }

    enum CodingKeys: String, CodingKey {
        case name, aliases, versions
        case latestVersion = "latest_version"
        case createdAt = "created_at"
        case versionCount = "version_count"
    }
}

struct MetricsView: Encodable {
    var model: ModelReference
    var metrics: ClassificationMetrics?
    var classes: [ClassLabel]
    /// Share of weights that are exactly zero.
    var sparsity: Double
    /// Share of input features constant in the training rows: their weights are zero without any learning.
    var constantFeatureShare: Double?
    var weightNorm: Double
    /// Binary models predict the positive class when its probability is above this.
    var threshold: Double?

    enum CodingKeys: String, CodingKey {
        case model, metrics, classes, sparsity, threshold
        case constantFeatureShare = "constant_feature_share"
        case weightNorm = "weight_norm"
    }
}

struct CurvesView: Encodable {
    var model: ModelReference
    var points: [CurvePoint]
}

struct PredictionsView: Encodable {
    var model: ModelReference
    var predictions: [Prediction]
}
