import RealModule

/// Mean softmax cross-entropy of an MLP and its gradient by backpropagation, in one fused pass per block of rows
/// (`BlockPass`).
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
    private let pass: BlockPass<Scratch>

    /// Batches under 512 rows (mini-batches of 128, say) stay on one thread: split between two they run slower, as
    /// this kernel is bound by cache traffic on the hidden weights; full passes are split.
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
        self.pass = BlockPass(data: data, transform: transform, threads: threads, blockRows: blockRows,
                              parameterCount: layout.parameterCount, minimumRowsPerThread: 256) {
            Scratch(hiddenCount: hiddenCount, classCount: classCount)
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

    public func evaluate(parameters: UnsafePointer<Float>, positions: UnsafeBufferPointer<Int32>,
                         gradient: UnsafeMutablePointer<Float>?) -> BatchResult {
        let parameters = UnsafeSendable(parameters)
        let withGradient = gradient != nil
        return pass.run(positions: positions, gradient: gradient) { rows, workspace in
            self.accumulate(positions: rows, parameters: parameters.value, workspace: workspace, withGradient: withGradient)
        }
    }

    private func accumulate(positions: UnsafeBufferPointer<Int32>, parameters: UnsafePointer<Float>,
                            workspace: BlockWorkspace<Scratch>, withGradient: Bool) -> BatchResult {
        let d = featureCount, h = hiddenCount, k = classCount
        let (w1, w2, b1, b2) = layout.layers(at: parameters)
        let (gw1, gw2, gb1, gb2) = layout.layers(at: workspace.gradient)
        let hidden = workspace.scratch.hidden, output = workspace.scratch.output
        let hiddenDelta = workspace.scratch.hiddenDelta
        var result = BatchResult()
        pass.forEachBlock(of: positions, in: workspace) { count in
            for i in 0..<count {
                let x = workspace.inputs + i * d
                for unit in 0..<h { hidden[unit] = activation.apply(b1[unit] + Kernels.dot(x, w1 + unit * d, count: d)) }
                Kernels.softmax(logitsOf: hidden, weights: w2, biases: b2, inputs: h, outputs: k, into: output)
                let target = Int(workspace.targets[i])
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
        }
        return result
    }

    /// One thread's activations and their derivatives, for one row at a time.
    private final class Scratch {
        let hidden: UnsafeMutablePointer<Float>
        let hiddenDelta: UnsafeMutablePointer<Float>
        let output: UnsafeMutablePointer<Float>

        init(hiddenCount: Int, classCount: Int) {
            hidden = .allocateCacheAligned(capacity: hiddenCount)
            hiddenDelta = .allocateCacheAligned(capacity: hiddenCount)
            output = .allocateCacheAligned(capacity: classCount)
        }

        deinit {
            hidden.deallocate()
            hiddenDelta.deallocate()
            output.deallocate()
        }
    }
}
