import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

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
