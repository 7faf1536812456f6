import Foundation
import Testing
@testable import LogitCore

/// The float32 kernel's loss and gradient against an independent float64 implementation of the same formulas,
/// differentiated by central finite differences.
@Suite struct GradientCheckTests {
    /// A small random problem with Float features.
    struct Problem {
        let x: [Float]
        let targets: [Int32]
        let rows: Int
        let features: Int
        let classes: Int

        init(rows: Int = 24, features: Int = 6, classes: Int, seed: UInt64) {
            var generator = SeededGenerator(seed: seed)
            self.rows = rows
            self.features = features
            self.classes = classes
            x = (0..<rows * features).map { _ in Float.random(in: -2...2, using: &generator) }
            let labelCount = classes
            targets = (0..<rows).map { _ in Int32.random(in: 0..<Int32(labelCount), using: &generator) }
        }

        var labeled: LabeledRows {
            LabeledRows(matrix: FeatureMatrix(floats: x, rowCount: rows, columnCount: features),
                        rows: Array(0..<Int32(rows)), targets: targets)
        }

        /// Mean cross-entropy in float64, written from the textbook formulas, not from the kernel.
        func referenceLoss(kind: ModelKind, parameters p: [Double]) -> Double {
            let outputs = kind == .logistic ? 1 : classes
            var total = 0.0
            for i in 0..<rows {
                var z = [Double](repeating: 0, count: outputs)
                for k in 0..<outputs {
                    z[k] = p[outputs * features + k]
                    for j in 0..<features { z[k] += p[k * features + j] * Double(x[i * features + j]) }
                }
                let y = Int(targets[i])
                if kind == .logistic {
                    let probability = 1 / (1 + exp(-z[0]))
                    total -= y == 1 ? log(probability) : log(1 - probability)
                } else if kind == .ovr {
                    for c in 0..<outputs {
                        let probability = 1 / (1 + exp(-z[c]))
                        total -= c == y ? log(probability) : log(1 - probability)
                    }
                } else {
                    let exps = z.map(exp)
                    total -= log(exps[y] / exps.reduce(0, +))
                }
            }
            return total / Double(rows)
        }
    }

    func randomModel(kind: ModelKind, features: Int, classes: Int, seed: UInt64) -> LinearModel {
        var generator = SeededGenerator(seed: seed)
        var model = LinearModel.zeros(kind: kind, featureCount: features, classCount: classes)
        model.weights = model.weights.map { _ in Float.random(in: -0.5...0.5, using: &generator) }
        model.biases = model.biases.map { _ in Float.random(in: -0.5...0.5, using: &generator) }
        return model
    }

    @Test(arguments: [ModelKind.softmax, .logistic, .ovr])
    func lossAndGradientMatchFiniteDifferences(kind: ModelKind) {
        let classes = kind == .logistic ? 2 : 4
        let problem = Problem(classes: classes, seed: 7)
        let model = randomModel(kind: kind, features: problem.features, classes: classes, seed: 11)
        let objective = LinearObjective(data: problem.labeled, transform: FeatureTransform(.none, featureCount: problem.features),
                                        kind: kind, classCount: classes)
        var gradient = [Float](repeating: 0, count: model.parameterCount)
        let result = gradient.withUnsafeMutableBufferPointer { objective.evaluate(model: model, gradient: $0.baseAddress!) }

        let parameters = model.parameters.map(Double.init)
        let reference = problem.referenceLoss(kind: kind, parameters: parameters)
        #expect(abs(result.meanLoss - reference) < 1e-5 * max(1, reference))

        let h = 1e-5
        for index in parameters.indices {
            var plus = parameters, minus = parameters
            plus[index] += h
            minus[index] -= h
            let numeric = (problem.referenceLoss(kind: kind, parameters: plus)
                - problem.referenceLoss(kind: kind, parameters: minus)) / (2 * h)
            #expect(abs(Double(gradient[index]) - numeric) < 1e-4, "parameter \(index): \(gradient[index]) vs \(numeric)")
        }
    }

    /// The MLP's backpropagation against central differences of a float64 forward pass.
    @Test(arguments: [Activation.sigmoid, .relu])
    func mlpGradientMatchesFiniteDifferences(activation: Activation) {
        let problem = Problem(rows: 16, features: 5, classes: 3, seed: 21)
        let hidden = 4
        let objective = MLPObjective(data: problem.labeled, transform: FeatureTransform(.none, featureCount: 5),
                                     hiddenCount: hidden, classCount: 3, activation: activation)
        let parameters = objective.initialParameters(seed: 3).enumerated().map { $0.element + (objective.weightCount <= $0.offset ? 0.1 : 0) }
        var trainingGradient = [Float](repeating: 0, count: parameters.count)
        let result = trainingGradient.withUnsafeMutableBufferPointer { objective.evaluate(parameters: parameters, gradient: $0.baseAddress!) }
        // The objective keeps W1 feature-major; the reference below reads MLPModel's layout, which `model` converts
        // to (a gradient has the parameters' layout, so it converts the same way).
        let gradient = objective.model(parameters: trainingGradient).parameters

        func reference(_ p: [Double]) -> Double {
            let d = 5, k = 3
            var total = 0.0
            for i in 0..<problem.rows {
                let x = (0..<d).map { Double(problem.x[i * d + $0]) }
                let b1 = hidden * d + k * hidden
                let h = (0..<hidden).map { unit -> Double in
                    let a = p[b1 + unit] + (0..<d).reduce(0.0) { $0 + p[unit * d + $1] * x[$1] }
                    return activation == .relu ? max(a, 0) : 1 / (1 + exp(-a))
                }
                let z = (0..<k).map { c in p[b1 + hidden + c] + (0..<hidden).reduce(0.0) { $0 + p[hidden * d + c * hidden + $1] * h[$1] } }
                let exps = z.map(exp)
                total -= log(exps[Int(problem.targets[i])] / exps.reduce(0, +))
            }
            return total / Double(problem.rows)
        }
        let p = objective.model(parameters: parameters).parameters.map(Double.init)
        #expect(abs(result.meanLoss - reference(p)) < 1e-5)
        let step = 1e-5
        for index in p.indices {
            var plus = p, minus = p
            plus[index] += step
            minus[index] -= step
            let numeric = (reference(plus) - reference(minus)) / (2 * step)
            #expect(abs(Double(gradient[index]) - numeric) < 2e-4, "parameter \(index): \(gradient[index]) vs \(numeric)")
        }
    }

    /// Every model with every smooth penalty: the trainer's gradient (data term + penalty on the weights, never the
    /// biases) against central differences of loss + penalty value.
    @Test(arguments: [ModelKind.softmax, .logistic, .ovr, .mlp],
          [Penalty.none, .l2(lambda: 0.3), .elasticNet(lambda: 0.4, l1Ratio: 0)])
    func penalisedObjectiveGradients(kind: ModelKind, penalty: Penalty) {
        let classes = kind == .logistic ? 2 : 3
        let problem = Problem(rows: 12, features: 4, classes: classes, seed: 31)
        let transform = FeatureTransform(.none, featureCount: 4)
        func check<Objective: TrainingObjective>(_ objective: Objective) {
            let parameters = objective.initialParameters(seed: 5).enumerated().map { Float($0.offset % 7) / 10 - 0.3 + $0.element }
            var gradient = [Float](repeating: 0, count: parameters.count)
            gradient.withUnsafeMutableBufferPointer { g in
                _ = objective.evaluate(parameters: parameters, gradient: g.baseAddress!)
                parameters.withUnsafeBufferPointer {
                    penalty.addSmoothGradient(weights: UnsafeBufferPointer(rebasing: $0[..<objective.weightCount]), into: g.baseAddress!)
                }
            }
            func total(_ p: [Float]) -> Double {
                objective.evaluate(parameters: p).meanLoss + penalty.value(p[..<objective.weightCount])
            }
            let h: Float = 1e-2
            for index in parameters.indices {
                var plus = parameters, minus = parameters
                plus[index] += h
                minus[index] -= h
                let numeric = (total(plus) - total(minus)) / Double(2 * h)
                #expect(abs(Double(gradient[index]) - numeric) < 2e-3, "\(kind) \(penalty) parameter \(index)")
            }
        }
        if kind == .mlp {
            check(MLPObjective(data: problem.labeled, transform: transform, hiddenCount: 3, classCount: classes, activation: .sigmoid))
        } else {
            check(LinearObjective(data: problem.labeled, transform: transform, kind: kind, classCount: classes))
        }
    }

    @Test func zeroWeightsGiveTheUniformLoss() {
        let problem = Problem(classes: 5, seed: 3)
        for (kind, classes, expected) in [(ModelKind.softmax, 5, log(5.0)), (.logistic, 2, log(2.0))] {
            let data = LabeledRows(matrix: problem.labeled.matrix, rows: problem.labeled.rows,
                                   targets: problem.targets.map { $0 % Int32(classes) })
            let objective = LinearObjective(data: data, transform: FeatureTransform(.none, featureCount: problem.features),
                                            kind: kind, classCount: classes)
            let model = LinearModel.zeros(kind: kind, featureCount: problem.features, classCount: classes)
            #expect(abs(objective.evaluate(model: model).meanLoss - expected) < 1e-6)
        }
    }

    @Test func parallelPassesAgreeWithTheSerialOne() {
        let problem = Problem(rows: 5000, features: 8, classes: 3, seed: 5)
        let model = randomModel(kind: .softmax, features: 8, classes: 3, seed: 2)
        func run(threads: Int) -> (BatchResult, [Float]) {
            let objective = LinearObjective(data: problem.labeled, transform: FeatureTransform(.none, featureCount: 8),
                                            kind: .softmax, classCount: 3, threads: threads)
            var gradient = [Float](repeating: 0, count: model.parameterCount)
            let result = gradient.withUnsafeMutableBufferPointer { objective.evaluate(model: model, gradient: $0.baseAddress!) }
            return (result, gradient)
        }
        let (serial, serialGradient) = run(threads: 1)
        let (parallel, parallelGradient) = run(threads: 2)
        #expect(serial.count == parallel.count && serial.correct == parallel.correct)
        #expect(abs(serial.meanLoss - parallel.meanLoss) < 1e-9)
        for (a, b) in zip(serialGradient, parallelGradient) { #expect(abs(a - b) < 1e-5) }
    }

    /// Mostly-zero bytes (like MNIST digits) take the sparse kernel; it must give the dense kernel's loss, accuracy
    /// and gradient, for every linear model, serial and parallel, over a subset of rows in shuffled order.
    @Test(arguments: [ModelKind.softmax, .logistic, .ovr], [1, 2])
    func theSparseKernelAgreesWithTheDenseOne(kind: ModelKind, threads: Int) {
        var generator = SeededGenerator(seed: 17)
        let rows = 3000, features = 50, classes = kind == .logistic ? 2 : 10
        let bytes = (0..<rows * features).map { _ in Double.random(in: 0..<1, using: &generator) < 0.8 ? 0 : UInt8.random(in: 1...255, using: &generator) }
        let matrix = FeatureMatrix(bytes: bytes, rowCount: rows, columnCount: features)
        #expect(matrix.sparse != nil)
        let subset = Array((0..<Int32(rows)).shuffled(using: &generator).prefix(2500))
        let data = LabeledRows(matrix: matrix, rows: subset,
                               targets: subset.map { _ in Int32.random(in: 0..<Int32(classes), using: &generator) })
        let sparse = LinearObjective(data: data, transform: FeatureTransform(.unit(divisor: 255), featureCount: features),
                                     kind: kind, classCount: classes, threads: threads)
        let dense = sparse.denseTwin()
        #expect(sparse.usesSparseKernel && !dense.usesSparseKernel)
        let model = randomModel(kind: kind, features: features, classes: classes, seed: 4)
        var sparseGradient = [Float](repeating: .nan, count: model.parameterCount)
        var denseGradient = [Float](repeating: .nan, count: model.parameterCount)
        let a = sparseGradient.withUnsafeMutableBufferPointer { sparse.evaluate(model: model, gradient: $0.baseAddress!) }
        let b = denseGradient.withUnsafeMutableBufferPointer { dense.evaluate(model: model, gradient: $0.baseAddress!) }
        #expect(a.count == b.count && a.correct == b.correct)
        #expect(abs(a.meanLoss - b.meanLoss) < 1e-5 * max(1, b.meanLoss))
        for (index, (x, y)) in zip(sparseGradient, denseGradient).enumerated() {
            #expect(abs(x - y) < 1e-5, "parameter \(index): \(x) vs \(y)")
        }
        // Standardised inputs are no longer sparse: the dense kernel takes them.
        let statistics = matrix.columnStatistics(rows: subset)
        let standardized = LinearObjective(
            data: data, transform: FeatureTransform(.standardize(mean: statistics.mean, std: statistics.std), featureCount: features),
            kind: kind, classCount: classes)
        #expect(!standardized.usesSparseKernel)
    }

    @Test func transformsScaleAndStandardise() {
        let raw: [UInt8] = [0, 51, 255]
        var out = [Float](repeating: 0, count: 3)
        raw.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { FeatureTransform(.unit(divisor: 255), featureCount: 3).apply(source, into: $0.baseAddress!) }
        }
        for (value, expected) in zip(out, [Float(0), 0.2, 1]) { #expect(abs(value - expected) < 1e-6) }
        let values: [Float] = [1, 5, 7]
        values.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer {
                FeatureTransform(.standardize(mean: [1, 3, 7], std: [2, 4, 0]), featureCount: 3).apply(source, into: $0.baseAddress!)
            }
        }
        // A constant feature (std 0) maps to 0, not NaN.
        #expect(out == [0, 0.5, 0])
    }
}
