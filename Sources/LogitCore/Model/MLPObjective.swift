import RealModule

/// Mean softmax cross-entropy of an MLP and its gradient by backpropagation, in one fused pass per block of rows,
/// with per-thread buffers allocated once.
public final class MLPObjective: TrainingObjective, @unchecked Sendable {
    public let data: LabeledRows
    public let transform: FeatureTransform
    public let featureCount: Int
    public let hiddenCount: Int
    public let classCount: Int
    public let activation: Activation
    public let layout: MLPLayout
    public let threads: Int
    public let allPositions: [Int32]
    private let blockRows: Int
    private let workspaces: [Workspace]

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
        self.blockRows = blockRows
        self.allPositions = Array(0..<Int32(data.count))
        let count = layout.parameterCount
        self.workspaces = (0..<max(1, threads)).map { _ in
            Workspace(blockRows: blockRows, featureCount: data.matrix.columnCount, hiddenCount: hiddenCount,
                      classCount: classCount, parameterCount: count)
        }
    }

    public var parameterCount: Int { layout.parameterCount }
    public var weightCount: Int { layout.weightCount }

    public func initialParameters(seed: UInt64) -> [Float] {
        MLPModel.initialParameters(features: featureCount, hidden: hiddenCount, classes: classCount,
                                   activation: activation, seed: seed)
    }

    public func model(parameters: [Float]) -> MLPModel {
        MLPModel(featureCount: featureCount, hiddenCount: hiddenCount, classCount: classCount, activation: activation,
                 parameters: parameters)
    }

    /// Batches under 512 rows (mini-batches of 128, say) stay on one thread: split between two they run slower, as
    /// this kernel is bound by cache traffic on the hidden weights; full passes are split.
    public func evaluate(parameters: UnsafePointer<Float>, positions: UnsafeBufferPointer<Int32>,
                         gradient: UnsafeMutablePointer<Float>?) -> BatchResult {
        let n = positions.count
        let chunks = ParallelPass.chunkCount(rows: n, threads: threads, minimumRowsPerThread: 256)
        let shared = SharedPointers(positions: positions, parameters: parameters, withGradient: gradient != nil)
        return ParallelPass.run(rows: n, chunks: chunks, gradients: workspaces.map(\.gradient),
                                parameterCount: parameterCount, gradient: gradient) { chunk in
            self.accumulate(positions: UnsafeBufferPointer(rebasing: shared.positions[ParallelPass.range(chunk, of: chunks, rows: n)]),
                            parameters: shared.parameters, workspace: self.workspaces[chunk],
                            withGradient: shared.withGradient)
        }
    }

    private func accumulate(positions: UnsafeBufferPointer<Int32>, parameters: UnsafePointer<Float>,
                            workspace: Workspace, withGradient: Bool) -> BatchResult {
        let d = featureCount, h = hiddenCount, k = classCount
        let (w1, w2, b1, b2) = layout.layers(at: parameters)
        let (gw1, gw2, gb1, gb2) = layout.layers(at: workspace.gradient)
        let hidden = workspace.hidden, output = workspace.output, hiddenDelta = workspace.hiddenDelta
        var result = BatchResult()
        var blockStart = 0
        data.rows.withUnsafeBufferPointer { dataRows in
            data.targets.withUnsafeBufferPointer { targets in
                while blockStart < positions.count {
                    let count = min(blockRows, positions.count - blockStart)
                    for i in 0..<count { workspace.rows[i] = dataRows[Int(positions[blockStart + i])] }
                    data.matrix.fill(rows: UnsafeBufferPointer(start: workspace.rows, count: count),
                                     transform: transform, into: workspace.inputs)
                    for i in 0..<count {
                        let x = workspace.inputs + i * d
                        for unit in 0..<h { hidden[unit] = activation.apply(b1[unit] + Kernels.dot(x, w1 + unit * d, count: d)) }
                        Kernels.softmax(logitsOf: hidden, weights: w2, biases: b2, inputs: h, outputs: k, into: output)
                        let target = Int(targets[Int(positions[blockStart + i])])
                        var best = 0
                        for c in 1..<k where output[c] > output[best] { best = c }
                        if best == target { result.correct += 1 }
                        result.lossSum -= Double(Float.log(max(output[target], Float.leastNormalMagnitude)))
                        guard withGradient else { continue }
                        output[target] -= 1  // output is now dLoss/dLogits
                        for c in 0..<k {
                            Kernels.axpy(output[c], hidden, gw2 + c * h, count: h)
                            gb2[c] += output[c]
                        }
                        for unit in 0..<h {
                            var back: Float = 0
                            for c in 0..<k { back += output[c] * w2[c * h + unit] }
                            hiddenDelta[unit] = back * activation.derivative(output: hidden[unit])
                        }
                        for unit in 0..<h where hiddenDelta[unit] != 0 {
                            Kernels.axpy(hiddenDelta[unit], x, gw1 + unit * d, count: d)
                            gb1[unit] += hiddenDelta[unit]
                        }
                    }
                    result.count += count
                    blockStart += count
                }
            }
        }
        return result
    }

    private final class Workspace {
        let rows: UnsafeMutablePointer<Int32>
        let inputs: UnsafeMutablePointer<Float>
        let hidden: UnsafeMutablePointer<Float>
        let hiddenDelta: UnsafeMutablePointer<Float>
        let output: UnsafeMutablePointer<Float>
        let gradient: UnsafeMutablePointer<Float>

        init(blockRows: Int, featureCount: Int, hiddenCount: Int, classCount: Int, parameterCount: Int) {
            rows = .allocate(capacity: blockRows)
            inputs = .allocate(capacity: blockRows * featureCount)
            hidden = .allocate(capacity: hiddenCount)
            hiddenDelta = .allocate(capacity: hiddenCount)
            output = .allocate(capacity: classCount)
            gradient = .allocate(capacity: parameterCount)
        }

        deinit {
            rows.deallocate()
            inputs.deallocate()
            hidden.deallocate()
            hiddenDelta.deallocate()
            output.deallocate()
            gradient.deallocate()
        }
    }
}
