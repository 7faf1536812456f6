import RealModule

/// Mean softmax cross-entropy of an MLP and its gradient by backpropagation, one row at a time over its non-zero
/// inputs (`SparseRowKernels`), on the threads of a `BlockPass`.
///
/// The parameter vector this objective trains (`initialParameters`, `evaluate`) is `MLPLayout`'s with one
/// difference: W1 is stored feature-major (features x hidden, the transpose of `MLPModel`'s), so a non-zero input's
/// weights to every hidden unit are one contiguous row. The optimisers and penalties act on each parameter alone,
/// so the order within W1 is the objective's to choose; `model(parameters:)` and `trainingParameters(of:)` convert.
public final class MLPObjective: TrainingObjective, Sendable {
    public let data: LabeledRows
    public let transform: FeatureTransform
    public let featureCount: Int
    public let hiddenCount: Int
    public let classCount: Int
    public let activation: Activation
    public let layout: MLPLayout
    public let threads: Int
    public let allPositions: [Int32]
    /// Set when the rows are mostly-zero bytes under a shared scale (images): rows are then read from the sparse
    /// index instead of being converted to floats in full.
    private let sparse: SparseBytes?
    private let pass: BlockPass<Scratch>

    /// Batches of 128 rows or more are split between threads: at ~1 us a row, half a batch saves more than waking
    /// another thread and adding up two gradients costs; smaller batches stay on one thread.
    public init(data: LabeledRows, transform: FeatureTransform, hiddenCount: Int, classCount: Int,
                activation: Activation, threads: Int = 1, blockRows: Int = 32) {
        self.data = data
        self.transform = transform
        self.featureCount = data.matrix.columnCount
        self.hiddenCount = hiddenCount
        self.classCount = classCount
        self.activation = activation
        self.layout = MLPLayout(featureCount: data.matrix.columnCount, hiddenCount: hiddenCount, classCount: classCount)
        self.threads = max(1, threads)
        self.allPositions = Array(0..<Int32(data.count))
        self.sparse = transform.sharedFactor != nil ? data.matrix.sparse : nil
        let featureCount = data.matrix.columnCount
        self.pass = BlockPass(data: data, transform: transform, threads: threads, blockRows: blockRows,
                              parameterCount: layout.parameterCount, minimumRowsPerThread: 64) {
            Scratch(featureCount: featureCount, hiddenCount: hiddenCount, classCount: classCount)
        }
    }

    /// Whether passes read the rows' non-zero entries from the sparse index (exposed so tests can compare paths).
    public var usesSparseRows: Bool { sparse != nil }

    public var parameterCount: Int { layout.parameterCount }
    public var weightCount: Int { layout.weightCount }

    public func initialParameters(seed: UInt64) -> [Float] {
        trainingParameters(of: MLPModel.initialParameters(features: featureCount, hidden: hiddenCount,
                                                          classes: classCount, activation: activation, seed: seed))
    }

    public func model(parameters: [Float]) -> MLPModel {
        MLPModel(featureCount: featureCount, hiddenCount: hiddenCount, classCount: classCount, activation: activation,
                 parameters: Self.transposingW1(parameters, rows: featureCount, columns: hiddenCount))
    }

    /// An `MLPModel`'s parameters (`MLPLayout`) in this objective's order: W1 feature-major.
    public func trainingParameters(of modelParameters: [Float]) -> [Float] {
        Self.transposingW1(modelParameters, rows: hiddenCount, columns: featureCount)
    }

    /// The parameters with the leading `rows x columns` block (W1) transposed, the rest as they are.
    private static func transposingW1(_ parameters: [Float], rows: Int, columns: Int) -> [Float] {
        var result = parameters
        result.withUnsafeMutableBufferPointer { out in
            parameters.withUnsafeBufferPointer { p in
                for r in 0..<rows {
                    for c in 0..<columns { out[c * rows + r] = p[r * columns + c] }
                }
            }
        }
        return result
    }

    public func evaluate(parameters: UnsafePointer<Float>, positions: UnsafeBufferPointer<Int32>,
                         gradient: UnsafeMutablePointer<Float>?) -> BatchResult {
        let parameters = UnsafeSendable(parameters)
        let withGradient = gradient != nil
        return pass.run(positions: positions, gradient: gradient) { rows, workspace in
            self.accumulate(positions: rows, parameters: parameters.value, workspace: workspace,
                            withGradient: withGradient)
        }
    }

    private func accumulate(positions: UnsafeBufferPointer<Int32>, parameters: UnsafePointer<Float>,
                            workspace: BlockWorkspace<Scratch>, withGradient: Bool) -> BatchResult {
        let d = featureCount, h = hiddenCount
        let scratch = workspace.scratch
        let offsets = scratch.offsets, values = scratch.values
        var result = BatchResult(count: positions.count)
        if let sparse, let factor = transform.sharedFactor {
            data.rows.withUnsafeBufferPointer { dataRows in
            data.targets.withUnsafeBufferPointer { targets in
            sparse.rowStarts.withUnsafeBufferPointer { rowStarts in
            sparse.columns.withUnsafeBufferPointer { columns in
            sparse.values.withUnsafeBufferPointer { bytes in
                var touched: UInt16 = 0
                for (index, position) in positions.enumerated() {
                    let row = Int(dataRows[Int(position)])
                    var count = 0
                    for e in Int(rowStarts[row])..<Int(rowStarts[row + 1]) {
                        offsets[count] = Int(columns[e]) &* h
                        values[count] = Float(bytes[e]) * factor
                        count &+= 1
                    }
                    // The rows come in shuffled order, so the hardware cannot guess where the next one's entries
                    // are: touch a byte of each of their cache lines now, so the misses overlap this row's work.
                    if index + 1 < positions.count {
                        let next = Int(dataRows[Int(positions[index + 1])])
                        let end = Int(rowStarts[next + 1])
                        for e in stride(from: Int(rowStarts[next]), to: end, by: 32) { touched &+= columns[e] }
                        for e in stride(from: Int(rowStarts[next]), to: end, by: 64) { touched &+= UInt16(bytes[e]) }
                    }
                    rowPass(entries: count, target: Int(targets[Int(position)]), parameters: parameters,
                            workspace: workspace, withGradient: withGradient, result: &result)
                }
                scratch.touched = touched
            }}}}}
        } else {
            pass.forEachBlock(of: positions, in: workspace) { rows in
                for i in 0..<rows {
                    let x = workspace.inputs + i * d
                    var count = 0
                    for j in 0..<d where x[j] != 0 {
                        offsets[count] = j * h
                        values[count] = x[j]
                        count += 1
                    }
                    rowPass(entries: count, target: Int(workspace.targets[i]), parameters: parameters,
                            workspace: workspace, withGradient: withGradient, result: &result)
                }
            }
        }
        return result
    }

    /// Forward and backward for one row, whose `entries` non-zero inputs are in the scratch's `offsets` and `values`.
    @inline(__always)
    private func rowPass(entries: Int, target: Int, parameters: UnsafePointer<Float>,
                         workspace: BlockWorkspace<Scratch>, withGradient: Bool, result: inout BatchResult) {
        let h = hiddenCount, k = classCount
        let (w1, w2, b1, b2) = layout.layers(at: parameters)
        let scratch = workspace.scratch
        let hidden = scratch.hidden, output = scratch.output, hiddenDelta = scratch.hiddenDelta
        SparseRowKernels.gatherSum(table: w1, offsets: scratch.offsets, values: scratch.values, count: entries,
                                   bias: b1, width: h, into: hidden)
        switch activation {
        case .relu: for unit in 0..<h { hidden[unit] = max(hidden[unit], 0) }
        case .sigmoid: for unit in 0..<h { hidden[unit] = Kernels.sigmoid(hidden[unit]) }
        }
        Kernels.softmax(logitsOf: hidden, weights: w2, biases: b2, inputs: h, outputs: k, into: output)
        var best = 0
        for c in 1..<k where output[c] > output[best] { best = c }
        if best == target { result.correct += 1 }
        result.lossSum -= Double(Float.log(max(output[target], Float.leastNormalMagnitude)))
        guard withGradient else { return }
        let (gw1, gw2, gb1, gb2) = layout.layers(at: workspace.gradient)
        output[target] -= 1  // output is now dLoss/dLogits
        hiddenDelta.initialize(repeating: 0, count: h)
        for c in 0..<k {
            Kernels.axpy(output[c], hidden, gw2 + c * h, count: h)
            Kernels.axpy(output[c], w2 + c * h, hiddenDelta, count: h)
            gb2[c] += output[c]
        }
        switch activation {
        case .relu: for unit in 0..<h where hidden[unit] <= 0 { hiddenDelta[unit] = 0 }
        case .sigmoid: for unit in 0..<h { hiddenDelta[unit] *= hidden[unit] * (1 - hidden[unit]) }
        }
        Kernels.axpy(1, hiddenDelta, gb1, count: h)
        SparseRowKernels.scatterAdd(delta: hiddenDelta, width: h, offsets: scratch.offsets, values: scratch.values,
                                    count: entries, into: gw1)
    }

    /// One thread's activations and their derivatives for one row, and the row's non-zero inputs.
    private final class Scratch {
        let hidden: UnsafeMutablePointer<Float>
        let hiddenDelta: UnsafeMutablePointer<Float>
        let output: UnsafeMutablePointer<Float>
        /// Each non-zero input's row in W1 (feature x hidden count) and its transformed value.
        let offsets: UnsafeMutablePointer<Int>
        let values: UnsafeMutablePointer<Float>
        /// A sum of the bytes touched ahead of their rows, kept so the compiler does not drop the loads.
        var touched: UInt16 = 0

        init(featureCount: Int, hiddenCount: Int, classCount: Int) {
            hidden = .allocateCacheAligned(capacity: hiddenCount)
            hiddenDelta = .allocateCacheAligned(capacity: hiddenCount)
            output = .allocateCacheAligned(capacity: classCount)
            offsets = .allocateCacheAligned(capacity: featureCount)
            values = .allocateCacheAligned(capacity: featureCount)
        }

        deinit {
            hidden.deallocate()
            hiddenDelta.deallocate()
            output.deallocate()
            offsets.deallocate()
            values.deallocate()
        }
    }
}
