import Foundation
import LogitCore

/// Everything about a trained model version that is not its parameters.
public struct ModelVersionMetadata: Codable, Sendable, Equatable {
    public var name: String
    public var version: Int
    public var kind: ModelKind
    public var classes: [ClassLabel]
    public var preprocessing: Preprocessing
    public var featureCount: Int
    /// Height and width when the inputs are images.
    public var imageShape: [Int]?
    public var dataset: String
    /// The training request with defaults filled in, as JSON.
    public var hyperparameters: String
    public var metrics: ClassificationMetrics?
    public var trainingSeconds: Double
    public var stopReason: String
    public var epochsCompleted: Int
    public var jobId: String?
    public var createdAt: Date
    /// Share of input features that are constant in the training rows (their weights cannot be learned).
    public var constantFeatureShare: Double?
    /// With early stopping: the epoch whose weights were kept.
    public var bestEpoch: Double?
    /// Hidden units and activation of an MLP.
    public var hiddenUnits: Int?
    public var activation: Activation?

    public init(name: String, version: Int = 0, kind: ModelKind, classes: [ClassLabel],
                preprocessing: Preprocessing, featureCount: Int, imageShape: [Int]?, dataset: String,
                hyperparameters: String, metrics: ClassificationMetrics?, trainingSeconds: Double,
                stopReason: String, epochsCompleted: Int, jobId: String?, createdAt: Date,
                constantFeatureShare: Double? = nil, bestEpoch: Double? = nil, hiddenUnits: Int? = nil,
                activation: Activation? = nil) {
        self.name = name
        self.version = version
        self.kind = kind
        self.classes = classes
        self.preprocessing = preprocessing
        self.featureCount = featureCount
        self.imageShape = imageShape
        self.dataset = dataset
        self.hyperparameters = hyperparameters
        self.metrics = metrics
        self.trainingSeconds = trainingSeconds
        self.stopReason = stopReason
        self.epochsCompleted = epochsCompleted
        self.jobId = jobId
        self.createdAt = createdAt
        self.constantFeatureShare = constantFeatureShare
        self.bestEpoch = bestEpoch
        self.hiddenUnits = hiddenUnits
        self.activation = activation
    }

    /// The column names of `model_version` (SQLite/Migrations.swift).
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, version, kind, classes, preprocessing, dataset, hyperparameters, metrics
        case featureCount = "feature_count"
        case imageShape = "image_shape"
        case trainingSeconds = "training_seconds"
        case stopReason = "stop_reason"
        case epochsCompleted = "epochs_completed"
        case jobId = "job_id"
        case createdAt = "created_at"
        case constantFeatureShare = "constant_feature_share"
        case bestEpoch = "best_epoch"
        case hiddenUnits = "hidden_units"
        case activation
    }
}
