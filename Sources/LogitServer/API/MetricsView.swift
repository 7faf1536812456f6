import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

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
