import LogitCore

/// What a sweep ranks its points by: scikit-learn's scoring names, on the held-out rows.
public enum SweepMetric: String, Codable, Sendable, CaseIterable {
    case logLoss = "log_loss"
    case accuracy
    /// Macro-averaged F1 (the binary F1 of the positive class for binary models, as scikit-learn's "f1").
    case f1
    /// Binary models only.
    case rocAuc = "roc_auc"

    public var higherIsBetter: Bool { self != .logLoss }

    /// The metric's value in `metrics`, nil when it has none (ROC AUC of a multiclass model).
    public func value(_ metrics: ClassificationMetrics) -> Double? {
        switch self {
        case .logLoss: metrics.logLoss
        case .accuracy: metrics.accuracy
        case .f1: metrics.perClass.count == 2 ? metrics.perClass[1].f1 : metrics.macroAverage.f1
        case .rocAuc: metrics.rocAuc
        }
    }

    /// Whether `a` is a better score than `b`.
    public func isBetter(_ a: Double, than b: Double) -> Bool { higherIsBetter ? a > b : a < b }
}
