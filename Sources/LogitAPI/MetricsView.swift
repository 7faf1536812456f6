import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

public struct MetricsView: Codable, Sendable {
    public var model: ModelReference
    public var metrics: ClassificationMetrics?
    public var classes: [ClassLabel]
    /// Share of weights that are exactly zero.
    public var sparsity: Double
    /// Share of input features constant in the training rows: their weights are zero without any learning.
    public var constantFeatureShare: Double?
    public var weightNorm: Double
    /// Binary models predict the positive class when its probability is above this.
    public var threshold: Double?

    public init(model: ModelReference, metrics: ClassificationMetrics?, classes: [ClassLabel], sparsity: Double,
                constantFeatureShare: Double?, weightNorm: Double, threshold: Double?) {
        self.model = model
        self.metrics = metrics
        self.classes = classes
        self.sparsity = sparsity
        self.constantFeatureShare = constantFeatureShare
        self.weightNorm = weightNorm
        self.threshold = threshold
    }

    enum CodingKeys: String, CodingKey {
        case model, metrics, classes, sparsity, threshold
        case constantFeatureShare = "constant_feature_share"
        case weightNorm = "weight_norm"
    }
}
