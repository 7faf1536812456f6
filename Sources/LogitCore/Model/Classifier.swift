/// Anything that turns one transformed input into class probabilities.
public protocol Classifier: Sendable {
    var featureCount: Int { get }
    var classCount: Int { get }
    /// Writes `classCount` probabilities for `featureCount` transformed inputs.
    func probabilities(input: UnsafePointer<Float>, into probabilities: UnsafeMutablePointer<Float>)
}

extension LinearModel: Classifier {}

extension Classifier {
    /// Probabilities (`rows.count x classCount`, row-major) for the given rows of a raw matrix.
    public func predictProbabilities(matrix: FeatureMatrix, rows: [Int32], transform: FeatureTransform) -> [Float] {
        let classCount = self.classCount
        var output = [Float](repeating: 0, count: rows.count * classCount)
        let input = UnsafeMutablePointer<Float>.allocate(capacity: featureCount)
        defer { input.deallocate() }
        output.withUnsafeMutableBufferPointer { out in
            for (index, row) in rows.enumerated() {
                matrix.fill(rows: CollectionOfOne(row), transform: transform, into: input)
                probabilities(input: input, into: out.baseAddress! + index * classCount)
            }
        }
        return output
    }
}

/// A trained model of any kind, as the store keeps it and the service serves it.
public enum TrainedModel: Sendable, Equatable, Classifier {
    case linear(LinearModel)
    case mlp(MLPModel)

    public var kind: ModelKind {
        switch self {
        case .linear(let model): model.kind
        case .mlp: .mlp
        }
    }

    public var featureCount: Int {
        switch self {
        case .linear(let model): model.featureCount
        case .mlp(let model): model.featureCount
        }
    }

    public var classCount: Int {
        switch self {
        case .linear(let model): model.classCount
        case .mlp(let model): model.classCount
        }
    }

    /// The penalised parameters (every weight, no bias).
    public var weights: [Float] {
        switch self {
        case .linear(let model): model.weights
        case .mlp(let model): Array(model.weights)
        }
    }

    public var biases: [Float] {
        switch self {
        case .linear(let model): model.biases
        case .mlp(let model): Array(model.biases)
        }
    }

    public var weightNorm: Double { weights.euclideanNorm }

    public func probabilities(input: UnsafePointer<Float>, into probabilities: UnsafeMutablePointer<Float>) {
        switch self {
        case .linear(let model): model.probabilities(input: input, into: probabilities)
        case .mlp(let model): model.probabilities(input: input, into: probabilities)
        }
    }
}
