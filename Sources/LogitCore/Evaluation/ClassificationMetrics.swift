/// Precision, recall, F1 and support of one class.
public struct ClassScores: Codable, Sendable, Equatable {
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public var support: Int
}

/// Test-set quality of a classifier. Rows and columns of the confusion matrix are true and predicted classes,
/// in the model's class order.
public struct ClassificationMetrics: Codable, Sendable, Equatable {
    public var count: Int
    public var accuracy: Double
    public var logLoss: Double
    public var confusionMatrix: [[Int]]
    public var perClass: [ClassScores]
    public var macroAverage: ClassScores
    public var weightedAverage: ClassScores
    /// Area under the ROC curve of the positive class (binary models).
    public var rocAuc: Double?

    enum CodingKeys: String, CodingKey {
        case count, accuracy
        case logLoss = "log_loss"
        case confusionMatrix = "confusion_matrix"
        case perClass = "per_class"
        case macroAverage = "macro_average"
        case weightedAverage = "weighted_average"
        case rocAuc = "roc_auc"
    }

    /// Metrics from the true class index and the predicted probabilities of each row.
    public init(classCount: Int, targets: [Int32], probabilities: [Float]) {
        precondition(probabilities.count == targets.count * classCount, "probabilities do not match rows")
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        var logLossSum = 0.0
        for (row, target) in targets.enumerated() {
            let p = probabilities[row * classCount..<(row + 1) * classCount]
            var best = p.startIndex
            for index in p.indices where p[index] > p[best] { best = index }
            confusion[Int(target)][best - p.startIndex] += 1
            // Clip as scikit-learn does, so one confident mistake gives a large but finite loss.
            logLossSum -= log(min(max(Double(p[p.startIndex + Int(target)]), 1e-15), 1 - 1e-15))
        }
        let n = targets.count
        var scores: [ClassScores] = []
        for c in 0..<classCount {
            let truePositives = Double(confusion[c][c])
            let predicted = Double((0..<classCount).reduce(0) { $0 + confusion[$1][c] })
            let support = confusion[c].reduce(0, +)
            let precision = predicted > 0 ? truePositives / predicted : 0
            let recall = support > 0 ? truePositives / Double(support) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            scores.append(ClassScores(precision: precision, recall: recall, f1: f1, support: support))
        }
        func average(_ weight: (ClassScores) -> Double) -> ClassScores {
            let total = scores.reduce(0.0) { $0 + weight($1) }
            func mean(_ value: (ClassScores) -> Double) -> Double {
                total > 0 ? scores.reduce(0.0) { $0 + weight($1) * value($1) } / total : 0
            }
            return ClassScores(precision: mean(\.precision), recall: mean(\.recall), f1: mean(\.f1), support: n)
        }
        count = n
        accuracy = n > 0 ? Double((0..<classCount).reduce(0) { $0 + confusion[$1][$1] }) / Double(n) : 0
        logLoss = n > 0 ? logLossSum / Double(n) : 0
        confusionMatrix = confusion
        perClass = scores
        macroAverage = average { _ in 1 }
        weightedAverage = average { Double($0.support) }
        rocAuc = classCount == 2
            ? Self.rocAuc(positive: targets.map { $0 == 1 }, scores: (0..<n).map { probabilities[$0 * 2 + 1] })
            : nil
    }

    /// The probability that a random positive row scores above a random negative one (ties count half):
    /// the Mann-Whitney form of the area under the ROC curve.
    public static func rocAuc(positive: [Bool], scores: [Float]) -> Double? {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var index = 0
        while index < order.count {
            var end = index
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[index]] { end += 1 }
            let averageRank = Double(index + end) / 2 + 1
            for k in index...end where positive[order[k]] { rankSum += averageRank }
            index = end + 1
        }
        let positives = Double(positive.filter { $0 }.count)
        let negatives = Double(positive.count) - positives
        guard positives > 0, negatives > 0 else { return nil }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// Metrics of `model` on `data`.
    public init(model: some Classifier, data: LabeledRows, transform: FeatureTransform) {
        let classCount = model.classCount
        self.init(classCount: classCount, targets: data.targets,
                  probabilities: model.predictProbabilities(matrix: data.matrix, rows: data.rows, transform: transform))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
