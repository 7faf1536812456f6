import Foundation
import Testing
@testable import LogitCore

/// The MLP's fast paths against plain references: the sparse-row kernels against naive loops, the objective's pass
/// over sparse rows against a float64 forward and backward pass written from the textbook formulas (on MLPModel's
/// layout), and Adam's vector loop against its scalar one.
@Suite struct MLPKernelTests {
    /// Widths that take every path of the kernels: 64-wide chunks, 8-wide chunks and single outputs, alone and mixed.
    @Test(arguments: [1, 5, 8, 13, 64, 72, 128, 131, 200])
    func sparseRowKernelsMatchNaiveLoops(width: Int) {
        var generator = SeededGenerator(seed: UInt64(width))
        let features = 30
        let table = (0..<features * width).map { _ in Float.random(in: -1...1, using: &generator) }
        let bias = (0..<width).map { _ in Float.random(in: -1...1, using: &generator) }
        let delta = (0..<width).map { _ in Float.random(in: -1...1, using: &generator) }
        let columns = (0..<features).filter { _ in Bool.random(using: &generator) }
        let offsets = columns.map { $0 * width }
        let values = columns.map { _ in Float.random(in: 0...1, using: &generator) }

        var sum = [Float](repeating: .nan, count: width)
        SparseRowKernels.gatherSum(table: table, offsets: offsets, values: values, count: columns.count, bias: bias,
                                   width: width, into: &sum)
        for u in 0..<width {
            var expected = Double(bias[u])
            for (e, column) in columns.enumerated() { expected += Double(values[e]) * Double(table[column * width + u]) }
            #expect(abs(Double(sum[u]) - expected) < 1e-4, "output \(u): \(sum[u]) vs \(expected)")
        }

        var scattered = table
        SparseRowKernels.scatterAdd(delta: delta, width: width, offsets: offsets, values: values, count: columns.count,
                                    into: &scattered)
        for j in 0..<features {
            for u in 0..<width {
                let entry = columns.firstIndex(of: j)
                let expected = table[j * width + u] + (entry.map { values[$0] * delta[u] } ?? 0)
                #expect(abs(scattered[j * width + u] - expected) < 1e-5, "feature \(j), output \(u)")
            }
        }
    }

    /// Loss, accuracy and gradient of a pass over mostly-zero bytes (the sparse index) against a float64 reference
    /// on the model's own layout, for both activations, one and two threads, a subset of rows in shuffled order.
    @Test(arguments: [Activation.relu, .sigmoid], [1, 2])
    func sparsePassMatchesAFloat64Reference(activation: Activation, threads: Int) {
        var generator = SeededGenerator(seed: 23)
        let rows = 700, features = 20, hidden = 70, classes = 4
        let bytes = (0..<rows * features).map { _ in
            Double.random(in: 0..<1, using: &generator) < 0.75 ? 0 : UInt8.random(in: 1...255, using: &generator)
        }
        let matrix = FeatureMatrix(bytes: bytes, rowCount: rows, columnCount: features)
        let subset = Array((0..<Int32(rows)).shuffled(using: &generator).prefix(600))
        let data = LabeledRows(matrix: matrix, rows: subset,
                               targets: subset.map { _ in Int32.random(in: 0..<Int32(classes), using: &generator) })
        let objective = MLPObjective(data: data, transform: FeatureTransform(.unit(divisor: 255), featureCount: features),
                                     hiddenCount: hidden, classCount: classes, activation: activation, threads: threads)
        #expect(objective.usesSparseRows)
        let layout = objective.layout
        var modelParameters = (0..<layout.parameterCount).map { _ in Float.random(in: -0.5...0.5, using: &generator) }
        modelParameters[layout.hiddenBiases] = ArraySlice(layout.hiddenBiases.map { _ in Float.random(in: -0.2...0.2, using: &generator) })
        let parameters = objective.trainingParameters(of: modelParameters)
        #expect(objective.model(parameters: parameters).parameters == modelParameters)

        var trainingGradient = [Float](repeating: .nan, count: parameters.count)
        let result = trainingGradient.withUnsafeMutableBufferPointer {
            objective.evaluate(parameters: parameters, gradient: $0.baseAddress!)
        }
        let gradient = objective.model(parameters: trainingGradient).parameters

        // The reference: float64, MLPModel's layout, one row at a time.
        let p = modelParameters.map(Double.init)
        let (w1, w2, b1, b2) = (layout.hiddenWeights.lowerBound, layout.outputWeights.lowerBound,
                                layout.hiddenBiases.lowerBound, layout.outputBiases.lowerBound)
        var expectedGradient = [Double](repeating: 0, count: p.count)
        var loss = 0.0, correct = 0
        for (position, row) in subset.enumerated() {
            let x = matrix.row(Int(row)).map { Double($0) / 255 }
            let h = (0..<hidden).map { unit -> Double in
                let a = p[b1 + unit] + (0..<features).reduce(0.0) { $0 + p[w1 + unit * features + $1] * x[$1] }
                return activation == .relu ? max(a, 0) : 1 / (1 + exp(-a))
            }
            let z = (0..<classes).map { c in p[b2 + c] + (0..<hidden).reduce(0.0) { $0 + p[w2 + c * hidden + $1] * h[$1] } }
            let largest = z.max()!
            let exps = z.map { exp($0 - largest) }
            let probabilities = exps.map { $0 / exps.reduce(0, +) }
            let target = Int(data.targets[position])
            loss -= log(probabilities[target])
            if z.firstIndex(of: largest) == target { correct += 1 }
            let dz = probabilities.enumerated().map { $0.element - ($0.offset == target ? 1 : 0) }
            for c in 0..<classes {
                expectedGradient[b2 + c] += dz[c]
                for unit in 0..<hidden { expectedGradient[w2 + c * hidden + unit] += dz[c] * h[unit] }
            }
            for unit in 0..<hidden {
                let back = (0..<classes).reduce(0.0) { $0 + dz[$1] * p[w2 + $1 * hidden + unit] }
                let delta = back * (activation == .relu ? (h[unit] > 0 ? 1 : 0) : h[unit] * (1 - h[unit]))
                expectedGradient[b1 + unit] += delta
                for j in 0..<features where x[j] != 0 { expectedGradient[w1 + unit * features + j] += delta * x[j] }
            }
        }
        let n = Double(subset.count)
        #expect(result.count == subset.count && result.correct == correct)
        #expect(abs(result.meanLoss - loss / n) < 1e-5 * max(1, loss / n))
        for index in gradient.indices {
            let expected = expectedGradient[index] / n
            #expect(abs(Double(gradient[index]) - expected) < 1e-5, "parameter \(index): \(gradient[index]) vs \(expected)")
        }

        // The same rows as floats, which the dense path converts and scans for non-zeros, agree with it.
        let floats = LabeledRows(matrix: FeatureMatrix(floats: bytes.map(Float.init), rowCount: rows, columnCount: features),
                                 rows: data.rows, targets: data.targets)
        let dense = MLPObjective(data: floats, transform: FeatureTransform(.unit(divisor: 255), featureCount: features),
                                 hiddenCount: hidden, classCount: classes, activation: activation, threads: threads)
        #expect(!dense.usesSparseRows)
        var denseGradient = [Float](repeating: .nan, count: parameters.count)
        let denseResult = denseGradient.withUnsafeMutableBufferPointer {
            dense.evaluate(parameters: parameters, gradient: $0.baseAddress!)
        }
        #expect(denseResult.correct == result.correct && abs(denseResult.lossSum - result.lossSum) < 1e-6 * n)
        for (a, b) in zip(trainingGradient, denseGradient) { #expect(abs(a - b) < 1e-6) }
    }

    /// A model large enough for the threads to add up their gradient sums in parallel (`BlockPass`): two threads
    /// give one thread's loss and gradient.
    @Test func twoThreadsAddUpALargeGradientLikeOne() {
        let data = sparseImages(rows: 300, features: 300, classes: 10, seed: 8)
        let transform = FeatureTransform(.unit(divisor: 255), featureCount: 300)
        func pass(threads: Int) -> (BatchResult, [Float]) {
            let objective = MLPObjective(data: data, transform: transform, hiddenCount: 128, classCount: 10,
                                         activation: .relu, threads: threads)
            #expect(objective.parameterCount >= BlockPass<Void>.parallelSumThreshold)
            let parameters = objective.initialParameters(seed: 1)
            var gradient = [Float](repeating: .nan, count: parameters.count)
            let result = gradient.withUnsafeMutableBufferPointer {
                objective.evaluate(parameters: parameters, gradient: $0.baseAddress!)
            }
            return (result, gradient)
        }
        let (one, oneGradient) = pass(threads: 1)
        let (two, twoGradient) = pass(threads: 2)
        #expect(one.correct == two.correct && abs(one.lossSum - two.lossSum) < 1e-6 * Double(data.count))
        for (index, (a, b)) in zip(oneGradient, twoGradient).enumerated() {
            #expect(abs(a - b) < 1e-6, "parameter \(index): \(a) vs \(b)")
        }
    }

    /// The default recipe's shape end to end, on the job's own threads as the service runs it: Adam, batches split
    /// between two threads, a model large enough for the parallel sums and update. It learns, the same seed gives
    /// the same model to the bit, and the trained model (converted back to `MLPModel`'s layout) predicts what the
    /// objective measured.
    @Test func mlpTrainingOnTwoThreadsLearnsAndIsReproducible() async {
        let data = sparseImages(rows: 1200, features: 300, classes: 4, seed: 12)
        let transform = FeatureTransform(.unit(divisor: 255), featureCount: 300)
        func train(seed: UInt64) async -> TrainingOutcome<MLPModel> {
            await withCheckedContinuation { (finished: CheckedContinuation<TrainingOutcome<MLPModel>, Never>) in
                TrainingThreads.run(helpers: 1, nice: 0) {
                    let objective = MLPObjective(data: data, transform: transform, hiddenCount: 128, classCount: 4,
                                                 activation: .relu, threads: 2)
                    let options = TrainingOptions(optimizer: .adam, epochs: 5, batchSize: 128, learningRate: 0.01,
                                                  penalty: .l2(lambda: 1e-4), seed: seed)
                    finished.resume(returning: Trainer(train: objective, options: options).run())
                }
            }
        }
        let first = await train(seed: 3)
        let again = await train(seed: 3)
        let other = await train(seed: 4)
        #expect(first.model == again.model)
        #expect(first.model != other.model)
        let objective = MLPObjective(data: data, transform: transform, hiddenCount: 128, classCount: 4,
                                     activation: .relu)
        let start = objective.evaluate(parameters: objective.initialParameters(seed: 3))
        let end = objective.evaluate(parameters: objective.trainingParameters(of: first.model.parameters))
        #expect(end.meanLoss < start.meanLoss * 0.7 && end.accuracy > 0.6, "loss \(start.meanLoss) -> \(end.meanLoss), accuracy \(end.accuracy)")
        let probabilities = first.model.predictProbabilities(matrix: data.matrix, rows: data.rows, transform: transform)
        var correct = 0, loss = 0.0
        for (index, target) in data.targets.enumerated() {
            let row = probabilities[index * 4..<(index + 1) * 4]
            if row.firstIndex(of: row.max()!)! - index * 4 == Int(target) { correct += 1 }
            loss -= log(Double(row[index * 4 + Int(target)]))
        }
        #expect(abs(Double(correct) - Double(end.correct)) <= 2)
        #expect(abs(loss / Double(data.count) - end.meanLoss) < 1e-4)
    }

    /// Adam's loop over the unpenalised parameters goes eight at a time, split between threads above a size; it must
    /// give, to the bit, what the scalar formula gives, for counts that are not multiples of eight, below and above
    /// that size.
    @Test(arguments: [203, Adam.parallelThreshold + 203])
    func adamsVectorLoopMatchesTheScalarFormula(count: Int) {
        var generator = SeededGenerator(seed: 5)
        var parameters = (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }
        var expected = parameters
        var adam = Adam(parameterCount: count, beta1: 0.9)
        var first = [Float](repeating: 0, count: count), second = first
        for step in 1...3 {
            let gradient = (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }
            parameters.withUnsafeMutableBufferPointer {
                adam.step(parameters: $0, gradient: gradient, rate: 0.01, l1: L1Shrinkage(strength: 0, weightCount: 150))
            }
            let rate = 0.01 * (1 - pow(Adam.beta2, Float(step))).squareRoot() / (1 - pow(0.9, Float(step)))
            for i in 0..<count {
                first[i] = 0.9 * first[i] + (1 - 0.9) * gradient[i]
                second[i] = Adam.beta2 * second[i] + (1 - Adam.beta2) * gradient[i] * gradient[i]
                expected[i] = expected[i] - rate / (second[i].squareRoot() + 1e-8) * first[i]
            }
        }
        #expect(parameters == expected)
    }
}
