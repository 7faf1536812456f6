import Foundation
import LogitCore

/// What one point of a sweep measured, stored as JSON with the point (`SweepPointRecord.result`).
public struct SweepPointResult: Codable, Sendable, Equatable {
    /// The cross-validated score: the metric on each held-out fold, their mean and (population) standard deviation.
    public struct CrossValidation: Codable, Sendable, Equatable {
        public var mean: Double
        public var std: Double
        public var folds: [Double]

        public init(folds: [Double]) {
            let mean = folds.reduce(0, +) / Double(max(folds.count, 1))
            self.folds = folds
            self.mean = mean
            std = (folds.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(folds.count, 1))).squareRoot()
        }
    }

    /// A split's figures.
    public struct Scores: Codable, Sendable, Equatable {
        public var accuracy: Double
        public var logLoss: Double
        public var f1: Double
        public var rocAuc: Double?

        public init(_ metrics: ClassificationMetrics) {
            accuracy = metrics.accuracy
            logLoss = metrics.logLoss
            f1 = SweepMetric.f1.value(metrics) ?? 0
            rocAuc = metrics.rocAuc
        }

        enum CodingKeys: String, CodingKey {
            case accuracy, f1
            case logLoss = "log_loss"
            case rocAuc = "roc_auc"
        }
    }

    public var index: Int
    /// The penalty's lambda at this point.
    public var lambda: Double
    /// What the point is ranked by: the CV mean with folds, else the metric on the validation split.
    public var score: Double
    public var cv: CrossValidation?
    public var train: Scores
    public var validation: Scores?
    public var test: Scores?
    /// Share of weights exactly 0.
    public var sparsity: Double
    public var weightNorm: Double
    /// The refit's weights (each class's coefficients, classes x features) for a tabular linear model of at most
    /// `coefficientLimit` weights: the coefficient path. Nil for image and MLP models.
    public var coefficients: [Float]?
    public var epochsCompleted: Int
    /// Whether the point started from the previous point's solution.
    public var warmStart: Bool
    /// The point's time: its folds and its refit.
    public var seconds: Double

    public static let coefficientLimit = 1000

    enum CodingKeys: String, CodingKey {
        case index, lambda, score, cv, train, validation, test, sparsity, coefficients, seconds
        case weightNorm = "weight_norm"
        case epochsCompleted = "epochs_completed"
        case warmStart = "warm_start"
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static func decode(json: String) throws -> SweepPointResult {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(SweepPointResult.self, from: Data(json.utf8))
    }
}
