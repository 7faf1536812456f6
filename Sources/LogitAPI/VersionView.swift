import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

public struct VersionView: Codable, Sendable {
    public var name: String
    public var version: Int
    public var kind: ModelKind
    public var classes: [ClassLabel]
    public var input: InputDescription
    public var preprocessing: Preprocessing
    public var dataset: String
    public var hyperparameters: TrainingPlan?
    public var metrics: MetricsSummary?
    public var trainingSeconds: Double
    public var stopReason: String
    public var epochsCompleted: Int
    public var bestEpoch: Double?
    public var hiddenUnits: Int?
    public var activation: Activation?
    public var jobId: String?
    public var createdAt: Date
    public var aliases: [String]

    public struct MetricsSummary: Codable, Sendable {
        public var accuracy: Double
        public var logLoss: Double
        public var count: Int
        enum CodingKeys: String, CodingKey {
            case accuracy, count
            case logLoss = "log_loss"
        }
    }

    public init(_ metadata: ModelVersionMetadata, aliases: [String]) {
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
