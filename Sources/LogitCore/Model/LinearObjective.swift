import Dispatch
import RealModule

/// The data term of the training objective, mean cross-entropy, and its gradient, for a linear model.
/// One fused pass per block of rows (`BlockPass`): convert the raw values, forward, loss, backward.
public final class LinearObjective: TrainingObjective, Sendable {
    public let data: LabeledRows
    public let transform: FeatureTransform
    public let kind: ModelKind
    public let outputCount: Int
    public let featureCount: Int
    public let threads: Int
    private let blockRows: Int
    /// Set when the rows are mostly-zero bytes under a shared scale (images) and there are at most 16 outputs:
    /// then a pass touches only the non-zero pixels, with every output's weight for a pixel in one SIMD vector.
    private let sparse: SparseBytes?
    private let pass: BlockPass<Scratch>

    public init(data: LabeledRows, transform: FeatureTransform, kind: ModelKind, classCount: Int,
                threads: Int = 1, blockRows: Int = 64) {
        self.data = data
        self.transform = transform
        self.kind = kind
        precondition(kind != .ridge, "ridge is solved in closed form, not by this objective")
        let outputs = kind == .logistic ? 1 : classCount
        self.outputCount = outputs
        self.featureCount = data.matrix.columnCount
        self.threads = max(1, threads)
        self.blockRows = blockRows
        self.allPositions = Array(0..<Int32(data.count))
        let sparse = transform.sharedFactor != nil && outputs <= 16 ? data.matrix.sparse : nil
        self.sparse = sparse
        let featureCount = data.matrix.columnCount
        self.pass = BlockPass(data: data, transform: transform, threads: threads, blockRows: blockRows,
                              parameterCount: outputs * featureCount + outputs, minimumRowsPerThread: 1024) {
            Scratch(blockRows: blockRows, featureCount: featureCount, outputCount: outputs, sparse: sparse != nil)
        }
    }

    /// Whether passes use the sparse kernel (exposed so tests can check both kernels agree).
    public var usesSparseKernel: Bool { sparse != nil }

    /// The same objective computed by the dense kernel, for tests that compare the two.
    public func denseTwin() -> LinearObjective {
        LinearObjective(data: LabeledRows(matrix: FeatureMatrix(dense: data.matrix), rows: data.rows, targets: data.targets),
                        transform: transform, kind: kind, classCount: kind == .logistic ? 2 : outputCount,
                        threads: threads, blockRows: blockRows)
    }

    public var parameterCount: Int { outputCount * featureCount + outputCount }
    public var weightCount: Int { outputCount * featureCount }

    public func initialParameters(seed: UInt64) -> [Float] {
        // The objective is convex: zero is as good a start as any, and reproducible.
        [Float](repeating: 0, count: parameterCount)
    }

    public func model(parameters: [Float]) -> LinearModel {
        LinearModel(kind: kind, featureCount: featureCount, weights: Array(parameters[..<weightCount]),
                    biases: Array(parameters[weightCount...]))
    }

    /// An estimate of the inverse Hessian at the start, for L-BFGS: p(1 - p) E[x̃ x̃ᵀ] + L2 for every output, with
    /// p = 1/outputs for softmax and 1/2 for each sigmoid output of the binary and one-vs-rest models, inverted in
    /// full (`FeatureCovarianceCurvature`) when building it costs at most four passes over the data (or 10^7
    /// multiply-adds, whichever is more) and it can be built, else only its diagonal for rows the sparse kernel
    /// reads (`PixelScaleCurvature`, images); nil for other rows.
    public func inverseCurvature(l2: Double) -> (any InverseCurvature)? {
        let p = kind == .softmax ? 1 / Double(outputCount) : 0.5
        var nonZeros = data.count * featureCount
        if let sparse {
            nonZeros = data.rows.reduce(0) { $0 + Int(sparse.rowStarts[Int($1) + 1] - sparse.rowStarts[Int($1)]) }
        }
        let passWork = 2 * nonZeros * outputCount
        let setupWork = FeatureCovarianceCurvature.setupWork(
            featureCount: featureCount, rows: data.count, nonZerosPerRow: Double(nonZeros) / Double(max(data.count, 1)))
        if setupWork <= max(4 * passWork, 10_000_000),
           let full = FeatureCovarianceCurvature(data: data, transform: transform, outputCount: outputCount,
                                                 outputProbability: p, l2: l2, threads: threads) {
            return full
        }
        guard let sparse, let factor = transform.sharedFactor else { return nil }
        return PixelScaleCurvature(data: data, sparse: sparse, factor: factor, outputCount: outputCount,
                                   outputProbability: p, l2: l2)
    }

    /// Loss summed over `positions` (of `data`) for a model, and optionally the gradient of the mean loss.
    public func evaluate(model: LinearModel, positions: UnsafeBufferPointer<Int32>,
                         gradient: UnsafeMutablePointer<Float>?) -> BatchResult {
        precondition(model.featureCount == featureCount && model.outputCount == outputCount, "model shape mismatch")
        return model.parameters.withUnsafeBufferPointer {
            evaluate(parameters: $0.baseAddress!, positions: positions, gradient: gradient)
        }
    }

    /// Convenience over every row of `data`.
    public func evaluate(model: LinearModel, gradient: UnsafeMutablePointer<Float>? = nil) -> BatchResult {
        evaluate(parameters: model.parameters, gradient: gradient)
    }

    /// Loss summed over `positions` (of `data`), and, if `gradient` is given, the gradient of the *mean* loss
    /// with respect to weights then biases (`outputCount * featureCount + outputCount` floats, overwritten).
    public func evaluate(parameters: UnsafePointer<Float>, positions: UnsafeBufferPointer<Int32>,
                         gradient: UnsafeMutablePointer<Float>?) -> BatchResult {
        let shared = UnsafeSendable(parameters)
        let withGradient = gradient != nil
        return pass.run(positions: positions, gradient: gradient) { rows, workspace in
            let parameters = shared.value
            switch (self.sparse, self.kind) {
            case (let sparse?, .logistic):
                return self.accumulateSparseBinary(sparse, positions: rows, parameters: parameters,
                                                   workspace: workspace, withGradient: withGradient)
            case (let sparse?, _):
                return self.accumulateSparse(sparse, positions: rows, parameters: parameters, workspace: workspace,
                                             withGradient: withGradient)
            case (nil, _):
                return self.accumulate(positions: rows, weights: parameters, biases: parameters + self.weightCount,
                                       workspace: workspace, withGradient: withGradient)
            }
        }
    }

    /// Positions 0..<count: every row of `data`, in order.
    public let allPositions: [Int32]

    private func accumulate(positions: UnsafeBufferPointer<Int32>, weights: UnsafePointer<Float>,
                            biases: UnsafePointer<Float>, workspace: BlockWorkspace<Scratch>,
                            withGradient: Bool) -> BatchResult {
        let d = featureCount
        let k = outputCount
        var result = BatchResult()
        let inputs = workspace.inputs
        let logits = workspace.scratch.logits
        pass.forEachBlock(of: positions, in: workspace) { count in
            // Forward: logits of every row of the block, four rows at a time, so each class's weights are read once
            // per four rows rather than once per row.
            var i = 0
            while i + 4 <= count {
                let x = inputs + i * d
                for c in 0..<k {
                    let (z0, z1, z2, z3) = Kernels.dot4(x, x + d, x + 2 * d, x + 3 * d, weights + c * d, count: d)
                    logits[i * k + c] = biases[c] + z0
                    logits[(i + 1) * k + c] = biases[c] + z1
                    logits[(i + 2) * k + c] = biases[c] + z2
                    logits[(i + 3) * k + c] = biases[c] + z3
                }
                i += 4
            }
            while i < count {
                for c in 0..<k { logits[i * k + c] = biases[c] + Kernels.dot(inputs + i * d, weights + c * d, count: d) }
                i += 1
            }
            // Loss, accuracy, and the derivative of the loss with respect to each logit (in place).
            for i in 0..<count {
                let (loss, correct) = lossAndDerivatives(logits: logits + i * k, target: Int(workspace.targets[i]))
                result.lossSum += Double(loss)
                if correct { result.correct += 1 }
            }
            // Backward: each class's gradient row is updated once per four rows.
            if withGradient {
                let g = workspace.gradient
                var i = 0
                while i + 4 <= count {
                    let x = inputs + i * d
                    for c in 0..<k {
                        let deltas = (logits[i * k + c], logits[(i + 1) * k + c], logits[(i + 2) * k + c],
                                      logits[(i + 3) * k + c])
                        Kernels.axpy4(deltas, x, x + d, x + 2 * d, x + 3 * d, g + c * d, count: d)
                        g[k * d + c] += deltas.0 + deltas.1 + deltas.2 + deltas.3
                    }
                    i += 4
                }
                while i < count {
                    for c in 0..<k {
                        Kernels.axpy(logits[i * k + c], inputs + i * d, g + c * d, count: d)
                        g[k * d + c] += logits[i * k + c]
                    }
                    i += 1
                }
            }
            result.count += count
        }
        return result
    }

    /// The cross-entropy of one row from its `outputCount` logits, which it overwrites with the loss's derivatives
    /// with respect to them; and whether the largest logit is the target's. `target` is 0/1 for a logistic model.
    @inline(__always)
    private func lossAndDerivatives(logits z: UnsafeMutablePointer<Float>, target: Int) -> (loss: Float, correct: Bool) {
        let k = outputCount
        switch kind {
        case .logistic:
            let margin = z[0]
            z[0] = Kernels.sigmoid(margin) - Float(target)
            return (Kernels.softplus(target == 1 ? -margin : margin), (margin > 0) == (target == 1))
        case .ovr:
            // The sum of the K binary cross-entropies "class c or not". The arg-max first: the loop below
            // overwrites each logit with its derivative.
            var best = 0
            for c in 1..<k where z[c] > z[best] { best = c }
            var loss: Float = 0
            for c in 0..<k {
                loss += Kernels.softplus(c == target ? -z[c] : z[c])
                z[c] = Kernels.sigmoid(z[c]) - (c == target ? 1 : 0)
            }
            return (loss, best == target)
        default:
            var best = 0
            for c in 1..<k where z[c] > z[best] { best = c }
            let largest = z[best]
            let loss = largest - z[target]  // + log(total) below
            var total: Float = 0
            for c in 0..<k {
                z[c] = Float.exp(z[c] - largest)
                total += z[c]
            }
            let inverse = 1 / total
            for c in 0..<k { z[c] *= inverse }
            z[target] -= 1
            return (loss + Float.log(total), best == target)
        }
    }

    /// Calls `body` for the rows at `positions`, in order, with the row's index in `positions`, its non-zero
    /// entries (a range of `columns` and `values`) and its target.
    @inline(__always)
    private func forEachSparseRow(
        _ sparse: SparseBytes, positions: UnsafeBufferPointer<Int32>,
        _ body: (_ index: Int, _ entries: Range<Int>, _ target: Int, _ columns: UnsafeBufferPointer<UInt16>,
                 _ values: UnsafeBufferPointer<UInt8>) -> Void
    ) {
        data.rows.withUnsafeBufferPointer { dataRows in
        data.targets.withUnsafeBufferPointer { targets in
        sparse.rowStarts.withUnsafeBufferPointer { rowStarts in
        sparse.columns.withUnsafeBufferPointer { columns in
        sparse.values.withUnsafeBufferPointer { values in
            for (index, position) in positions.enumerated() {
                let row = Int(dataRows[Int(position)])
                body(index, Int(rowStarts[row])..<Int(rowStarts[row + 1]), Int(targets[Int(position)]), columns, values)
            }
        }}}}}
    }

    /// The pass over non-zero pixels only. Per row: z = b + factor * sum over non-zeros of x_j * W[:, j] (all outputs
    /// at once in one SIMD vector), then the loss and dz, then G[:, j] += x_j * factor * dz for the same non-zeros.
    /// Lanes past `outputCount` stay 0: their weights are 0 and the loss touches only the first `outputCount`.
    private func accumulateSparse(_ sparse: SparseBytes, positions: UnsafeBufferPointer<Int32>,
                                  parameters: UnsafePointer<Float>, workspace: BlockWorkspace<Scratch>,
                                  withGradient: Bool) -> BatchResult {
        let d = featureCount
        let k = outputCount
        let factor = transform.sharedFactor!
        let weights = workspace.scratch.transposedWeights
        // Lane c of vector j is W[c, j]. Written as floats, one class's row at a time: inserting into a vector's
        // lanes one by one costs several times as much.
        weights.withMemoryRebound(to: Float.self, capacity: d * 16) { table in
            for c in 0..<k {
                let row = parameters + c * d
                for j in 0..<d { table[j * 16 + c] = row[j] }
            }
        }
        let gradient = workspace.scratch.transposedGradient
        if withGradient { gradient.initialize(repeating: SIMD16<Float>(), count: d) }
        var bias = SIMD16<Float>()
        for c in 0..<k { bias[c] = parameters[weightCount + c] }
        var biasGradient = SIMD16<Float>()
        var result = BatchResult(count: positions.count)
        // The backward pass goes in blocks of rows: a block's forward passes read only W, then its backward pass
        // writes only G, so each table has the core's L1 cache to itself for a while instead of both being touched
        // for every row.
        let blockRows = Scratch.sparseBlockRows
        let blockDeltas = workspace.scratch.blockDeltas
        let blockEntries = workspace.scratch.blockEntries
        forEachSparseRow(sparse, positions: positions) { index, entries, target, columns, values in
            // Two sums, so consecutive additions do not wait on each other.
            var even = SIMD16<Float>(), odd = SIMD16<Float>()
            var e = entries.lowerBound
            while e + 2 <= entries.upperBound {
                even += Float(values[e]) * weights[Int(columns[e])]
                odd += Float(values[e + 1]) * weights[Int(columns[e + 1])]
                e += 2
            }
            if e < entries.upperBound { even += Float(values[e]) * weights[Int(columns[e])] }
            var delta = bias + factor * (even + odd)
            let (loss, correct) = withUnsafeMutableBytes(of: &delta) {
                lossAndDerivatives(logits: $0.baseAddress!.assumingMemoryBound(to: Float.self), target: target)
            }
            result.lossSum += Double(loss)
            if correct { result.correct += 1 }
            guard withGradient else { return }
            biasGradient += delta
            let slot = index % blockRows
            blockDeltas[slot] = factor * delta
            blockEntries[slot] = entries
            guard slot == blockRows - 1 || index == positions.count - 1 else { return }
            for b in 0...slot {
                let scaled = blockDeltas[b]
                for e in blockEntries[b] { gradient[Int(columns[e])] += Float(values[e]) * scaled }
            }
        }
        if withGradient {
            // Back to the flat class-major layout the trainer uses.
            let flat = workspace.gradient
            for j in 0..<d {
                let column = gradient[j]
                for c in 0..<k { flat[c * d + j] = column[c] }
            }
            for c in 0..<k { flat[k * d + c] = biasGradient[c] }
        }
        return result
    }

    /// The sparse pass of a binary model: one weight per pixel, so plain scalar gathers beat 16-lane vectors.
    private func accumulateSparseBinary(_ sparse: SparseBytes, positions: UnsafeBufferPointer<Int32>,
                                        parameters: UnsafePointer<Float>, workspace: BlockWorkspace<Scratch>,
                                        withGradient: Bool) -> BatchResult {
        let factor = transform.sharedFactor!
        let bias = parameters[featureCount]
        let gradient = workspace.gradient  // zeroed by BlockPass when a gradient is wanted
        var biasGradient: Float = 0
        var result = BatchResult(count: positions.count)
        forEachSparseRow(sparse, positions: positions) { _, entries, target, columns, values in
            var sum: Float = 0
            for e in entries { sum = Relaxed.multiplyAdd(Float(values[e]), parameters[Int(columns[e])], sum) }
            var delta = bias + factor * sum
            let (loss, correct) = lossAndDerivatives(logits: &delta, target: target)
            result.lossSum += Double(loss)
            if correct { result.correct += 1 }
            if withGradient {
                biasGradient += delta
                let scaled = factor * delta
                for e in entries { gradient[Int(columns[e])] += Float(values[e]) * scaled }
            }
        }
        if withGradient { gradient[featureCount] = biasGradient }
        return result
    }

    /// One thread's memory for the kernels besides `BlockWorkspace`'s.
    private final class Scratch {
        /// The dense kernel's logits for a block of rows, overwritten with the loss's derivatives.
        let logits: UnsafeMutablePointer<Float>
        /// The sparse softmax kernel's weights and gradient feature-major: `featureCount` vectors of up to 16 outputs.
        /// The weights' lanes past the outputs are zeroed here and never written (allocated for that kernel only).
        let transposedWeights: UnsafeMutablePointer<SIMD16<Float>>
        let transposedGradient: UnsafeMutablePointer<SIMD16<Float>>
        /// The sparse softmax kernel's block of rows awaiting their backward pass: each row's scaled derivatives and
        /// its range of non-zero entries.
        static let sparseBlockRows = 64
        let blockDeltas: UnsafeMutablePointer<SIMD16<Float>>
        let blockEntries: UnsafeMutablePointer<Range<Int>>

        init(blockRows: Int, featureCount: Int, outputCount: Int, sparse: Bool) {
            logits = .allocateCacheAligned(capacity: blockRows * outputCount)
            transposedWeights = UnsafeMutablePointer.allocateCacheAligned(capacity: sparse ? featureCount : 0)
            transposedWeights.initialize(repeating: SIMD16<Float>(), count: sparse ? featureCount : 0)
            transposedGradient = UnsafeMutablePointer.allocateCacheAligned(capacity: featureCount)
            blockDeltas = .allocateCacheAligned(capacity: Self.sparseBlockRows)
            blockEntries = .allocate(capacity: Self.sparseBlockRows)
            blockEntries.initialize(repeating: 0..<0, count: Self.sparseBlockRows)
        }

        deinit {
            logits.deallocate()
            transposedWeights.deallocate()
            transposedGradient.deallocate()
            blockDeltas.deallocate()
            blockEntries.deallocate()
        }
    }
}
