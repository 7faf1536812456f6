import Testing
@testable import LogitCore

@Suite struct RidgeAndOvRTests {
    /// The closed form against the normal equations it solves: at the solution, the gradient of
    /// 1/(2n) ||X W + b - Y||^2 + lambda/2 ||W||^2 vanishes.
    @Test func ridgeSolvesItsNormalEquations() throws {
        let data = blobs(rows: 200, classes: 3, seed: 11)
        let lambda = 0.1
        let model = try RidgeSolver.fit(data: data, transform: FeatureTransform(.none, featureCount: 4), classCount: 3,
                                        lambda: lambda)
        let d = 4
        var gradientW = [Double](repeating: 0, count: 3 * d)
        var gradientB = [Double](repeating: 0, count: 3)
        for (row, target) in zip(data.rows, data.targets) {
            let x = data.matrix.row(Int(row)).map(Double.init)
            for c in 0..<3 {
                var score = Double(model.biases[c])
                for j in 0..<d { score += Double(model.weights[c * d + j]) * x[j] }
                let residual = score - (Int(target) == c ? 1 : 0)
                for j in 0..<d { gradientW[c * d + j] += residual * x[j] / 200 }
                gradientB[c] += residual / 200
            }
        }
        for index in gradientW.indices { gradientW[index] += lambda * Double(model.weights[index]) }
        #expect(gradientW.allSatisfy { abs($0) < 1e-5 }, "\(gradientW)")
        #expect(gradientB.allSatisfy { abs($0) < 1e-5 }, "\(gradientB)")
        // Scores of a one-hot regression sum to 1 for every input (each column of Y does).
        #expect(abs(model.biases.reduce(0, +) - 1) < 1e-4)
    }

    @Test func ridgeClassifiesSeparableBlobs() throws {
        let data = blobs(rows: 300, classes: 3, seed: 12)
        let transform = FeatureTransform(.none, featureCount: 4)
        let model = try RidgeSolver.fit(data: data, transform: transform, classCount: 3, lambda: 0.01)
        let metrics = ClassificationMetrics(model: model, data: data, transform: transform)
        #expect(metrics.accuracy > 0.8)
    }

    @Test func ovrProbabilitiesAreNormalisedSigmoids() {
        let model = LinearModel(kind: .ovr, featureCount: 1, weights: [1, -1, 0], biases: [0, 0, 0])
        var probabilities = [Float](repeating: 0, count: 3)
        let input: [Float] = [2]
        input.withUnsafeBufferPointer { x in
            probabilities.withUnsafeMutableBufferPointer { model.probabilities(input: x.baseAddress!, into: $0.baseAddress!) }
        }
        let sigmoids = [1 / (1 + exp(-2.0)), 1 / (1 + exp(2.0)), 0.5]
        let total = sigmoids.reduce(0, +)
        for (p, s) in zip(probabilities, sigmoids) { #expect(abs(Double(p) - s / total) < 1e-6) }
    }

    @Test func ovrTrainsLikeSeparateLogisticModels() {
        let data = blobs(rows: 300, classes: 3, seed: 13)
        let transform = FeatureTransform(.none, featureCount: 4)
        let options = TrainingOptions(optimizer: .lbfgs, epochs: 300, penalty: .l2(lambda: 0.01), tolerance: 1e-12)
        let joint = Trainer(train: LinearObjective(data: data, transform: transform, kind: .ovr, classCount: 3),
                            options: options).run().model
        for c in 0..<3 {
            let binary = LabeledRows(matrix: data.matrix, rows: data.rows, targets: data.targets.map { $0 == c ? 1 : 0 })
            let single = Trainer(train: LinearObjective(data: binary, transform: transform, kind: .logistic, classCount: 2),
                                 options: options).run().model
            for j in 0..<4 { #expect(abs(single.weights[j] - joint.weights[c * 4 + j]) < 2e-3) }
            #expect(abs(single.biases[0] - joint.biases[c]) < 2e-3)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
