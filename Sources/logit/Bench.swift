import ArgumentParser
import Foundation
import LogitCore
import LogitData
import LogitImaging
import LogitJobs
import LogitPictures
import LogitBenchmarks
import LogitStore

/// `logit bench`: the hot paths of training and serving (the in-process figures of docs/benchmarks.md), measured
/// in this process on the bundled MNIST (release build:
/// `swift build -c release --product logit && .build/release/logit bench`). Each figure is the median of
/// `--repeat` runs, with the fastest beside it.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure training passes, time to accuracy, in-process prediction, PNG rendering and JSON coding.")

    @Option(name: .customLong("data-dir"), help: "Folder with the data sets.") var dataDirectory = "data"
    @Option(name: .customLong("repeat"), help: "Runs per measurement.") var repetitions = 7
    @Option(help: "Threads for training passes (the service's training_threads).") var threads = 2
    @Flag(help: "Skip the time-to-accuracy runs (the slowest part).") var skipTraining = false

    func run() async throws {
        let datasets = DatasetRegistry(dataDirectory: dataDirectory)
        let mnist = try datasets.dataset(named: "mnist")
        let repetitions = max(1, self.repetitions)
        print("logit bench: MNIST \(mnist.train.rowCount) training and \(mnist.test?.rowCount ?? 0) test images, "
              + "\(ProcessInfo.processInfo.activeProcessorCount) cores, median of \(repetitions) (fastest)\n")

        // Passes over all 60k training images, forward and backward (the gradient), as the trainer runs them.
        let unit = FeatureTransform(.unit(divisor: 255), featureCount: mnist.featureCount)
        let everyRow = LabeledRows(matrix: mnist.train, rows: Array(0..<Int32(mnist.train.rowCount)), targets: mnist.trainLabels)
        for threadCount in Set([1, threads]).sorted() {
            let objective = LinearObjective(data: everyRow, transform: unit, kind: .softmax, classCount: 10, threads: threadCount)
            report("softmax epoch, 60k rows, forward + backward, \(threadCount) thread(s)",
                   measure(repetitions) { objective.pass() })
        }
        var generator = SeededGenerator(seed: 1)
        let shuffled = everyRow.rows.shuffled(using: &generator)
        let shuffledObjective = LinearObjective(
            data: LabeledRows(matrix: mnist.train, rows: shuffled, targets: shuffled.map { mnist.trainLabels[Int($0)] }),
            transform: unit, kind: .softmax, classCount: 10, threads: threads)
        report("  the same, rows in shuffled order, \(threads) thread(s)", measure(repetitions) { shuffledObjective.pass() })
        let dense = LinearObjective(data: everyRow, transform: unit, kind: .softmax, classCount: 10, threads: threads).denseTwin()
        report("  the same with the dense kernel, \(threads) thread(s)", measure(max(1, repetitions / 2)) { dense.pass() })
        let twosAndThrees = everyRow.rows.filter { [2, 3].contains(mnist.trainLabels[Int($0)]) }
        let binary = LinearObjective(
            data: LabeledRows(matrix: mnist.train, rows: twosAndThrees, targets: twosAndThrees.map { mnist.trainLabels[Int($0)] == 2 ? 1 : 0 }),
            transform: unit, kind: .logistic, classCount: 2, threads: threads)
        report("logistic 2-vs-3 epoch, \(twosAndThrees.count) rows, \(threads) thread(s)", measure(repetitions) { binary.pass() })
        // L-BFGS's starting point for the default recipe: second moments of 4,096 rows, then their Cholesky factor.
        report("softmax curvature estimate (4096 of 60k rows), \(threads) thread(s)", measure(repetitions) {
            _ = FeatureCovarianceCurvature(data: everyRow, transform: unit, outputCount: 10, outputProbability: 0.1,
                                           l2: 1e-4, threads: threads)
        })
        // The default MLP (784-128-10, relu) at its seeded start: the curve points' forward passes, and an epoch of
        // the mini-batches of 128 in shuffled order that the trainer's steps evaluate (gradient only, no update).
        let mlp = MLPObjective(data: everyRow, transform: unit, hiddenCount: 128, classCount: 10, activation: .relu,
                               threads: threads)
        let mlpParameters = mlp.initialParameters(seed: 42)
        report("MLP forward pass, 60k rows, \(threads) thread(s)", measure(repetitions) {
            _ = mlp.evaluate(parameters: mlpParameters)
        })
        var mlpGradient = [Float](repeating: 0, count: mlp.parameterCount)
        report("MLP epoch of 128-row batches, forward + backward, 60k rows, \(threads) thread(s)", measure(repetitions) {
            shuffled.withUnsafeBufferPointer { order in
                mlpParameters.withUnsafeBufferPointer { p in
                    mlpGradient.withUnsafeMutableBufferPointer { g in
                        for start in stride(from: 0, to: order.count, by: 128) {
                            let batch = UnsafeBufferPointer(rebasing: order[start..<min(start + 128, order.count)])
                            _ = mlp.evaluate(parameters: p.baseAddress!, positions: batch, gradient: g.baseAddress!)
                        }
                    }
                }
            }
        })

        // Time to accuracy: whole training jobs as the service runs them (training_seconds, test accuracy).
        var trained: ModelVersion?
        if !skipTraining {
            print("")
            let runner = TrainingRunner(datasets: datasets, threads: threads)
            for request in [#"{}"#, #"{"task":{"type":"binary","positive":[2],"negative":[3]}}"#] {
                var jobSeconds: [Double] = []
                var trainerSeconds: [Double] = []
                var accuracy = 0.0
                for _ in 0..<min(repetitions, 5) {
                    let body = try JSONDecoder().decode(TrainRequest.self, from: Data(request.utf8))
                    let plan = try await TrainingPlan.resolve(body, limits: TrainingLimits(), datasetNames: datasets.names,
                                                              loadDataset: { try await datasets.loaded($0) })
                    // The job's work as the scheduler runs it (splits, training, test metrics), without the write.
                    var output: TrainingRunner.Output?
                    let elapsed = try ContinuousClock().measure {
                        output = try runner.run(plan: plan, jobId: nil, callbacks: TrainingCallbacks())
                    }
                    guard let output else { continue }
                    jobSeconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                    trainerSeconds.append(output.version.metadata.trainingSeconds)
                    accuracy = output.version.metadata.metrics?.accuracy ?? 0
                    if request == "{}" { trained = output.version }
                }
                report("POST /train \(request): job time to \(String(format: "%.2f", accuracy * 100))% test accuracy",
                       Measurement(samples: jobSeconds))
                report("  of which the trainer (training_seconds)", Measurement(samples: trainerSeconds))
            }
        }

        // Prediction in-process: the server's per-image work, then the whole test set as one batch.
        print("")
        let model = trained?.model ?? .linear(LinearModel.zeros(kind: .softmax, featureCount: mnist.featureCount, classCount: 10))
        let test = mnist.test ?? mnist.train
        let image = test.row(0)
        var input = [Float](repeating: 0, count: mnist.featureCount)
        var probabilities = [Float](repeating: 0, count: 10)
        let single = measure(repetitions) {
            for _ in 0..<10_000 {
                image.withUnsafeBufferPointer { source in input.withUnsafeMutableBufferPointer { unit.apply(source, into: $0.baseAddress!) } }
                input.withUnsafeBufferPointer { x in probabilities.withUnsafeMutableBufferPointer { model.probabilities(input: x.baseAddress!, into: $0.baseAddress!) } }
            }
        }
        report("predict 1 image (preprocess + probabilities), per image", single.scaled(by: 1e-4))
        let batchRows = Array(0..<Int32(min(10_000, test.rowCount)))
        report("predict a batch of \(batchRows.count) test images, 1 thread",
               measure(repetitions) { _ = model.predictProbabilities(matrix: test, rows: batchRows, transform: unit) })

        // The weights drawn as PNG (GET .../weights.png, default options) and the JSON coding of one request.
        let version = trained ?? ModelVersion(
            metadata: ModelVersionMetadata(name: "bench", kind: .softmax, classes: (0..<10).map(ClassLabel.integer),
                                           preprocessing: .unit(divisor: 255), featureCount: mnist.featureCount,
                                           imageShape: [28, 28], dataset: "mnist", hyperparameters: "{}", metrics: nil,
                                           trainingSeconds: 0, stopReason: "", epochsCompleted: 0, jobId: nil, createdAt: Date()),
            model: model, curves: [])
        report("weights.png (10 tiles, scale 8), render + encode",
               try measureThrowing(repetitions) { _ = try ModelImages.weights(version, options: TileGridOptions()) })
        let body = try String(contentsOfFile: "examples/digit-7.json", encoding: .utf8)
        let bytes = Array(body.utf8)
        let data = Data(body.utf8)
        guard ServingBenchmarks.parseFast(bytes) == 784 else { throw ValidationError("examples/digit-7.json is not a simple 784-pixel body") }
        report("decode a 784-pixel /predict body (\(bytes.count) bytes), fast path",
               measure(repetitions) { for _ in 0..<1000 { _ = ServingBenchmarks.parseFast(bytes) } }.scaled(by: 1e-3))
        report("  the same with Foundation's JSONDecoder",
               try measureThrowing(repetitions) { for _ in 0..<100 { _ = try ServingBenchmarks.parseWithFoundation(data) } }.scaled(by: 1e-2))
        report("encode a one-image answer, fast path",
               measure(repetitions) { for _ in 0..<1000 { _ = ServingBenchmarks.writeAnswer(label: 7, probabilities: probabilities) } }.scaled(by: 1e-3))
        report("  the same with Foundation's JSONEncoder",
               try measureThrowing(repetitions) { for _ in 0..<1000 { _ = try ServingBenchmarks.writeAnswerWithFoundation(label: 7, probabilities: probabilities) } }.scaled(by: 1e-3))
        let eventLoop = try ServingBenchmarks.EventLoopPredictions(version: version, body: bytes)
        guard try eventLoop.answerOne() > 0 else { throw ValidationError("the event-loop handler did not answer") }
        report("POST /predict answered by the event-loop handler, head to answer",
               try measureThrowing(repetitions) { for _ in 0..<1000 { _ = try eventLoop.answerOne() } }.scaled(by: 1e-3))
        report("a new request id (X-Request-Id)",
               measure(repetitions) { for _ in 0..<1000 { _ = ServingBenchmarks.newRequestId() } }.scaled(by: 1e-3))
        report("  the same with Foundation's UUID, for comparison",
               measure(repetitions) { for _ in 0..<1000 { _ = ServingBenchmarks.newUUID() } }.scaled(by: 1e-3))
    }
}

/// Seconds of repeated runs.
struct Measurement {
    var samples: [Double]
    var median: Double { samples.sorted()[samples.count / 2] }
    var fastest: Double { samples.min() ?? 0 }
    func scaled(by factor: Double) -> Measurement { Measurement(samples: samples.map { $0 * factor }) }
}

private func measure(_ repetitions: Int, _ body: () -> Void) -> Measurement {
    body()  // warm-up: caches, lazily built buffers
    return Measurement(samples: (0..<repetitions).map { _ in
        let clock = ContinuousClock()
        let elapsed = clock.measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    })
}

private func measureThrowing(_ repetitions: Int, _ body: () throws -> Void) throws -> Measurement {
    var failure: (any Error)?
    let result = measure(repetitions) { do { try body() } catch { failure = error } }
    if let failure { throw failure }
    return result
}

private func report(_ label: String, _ measurement: Measurement) {
    func format(_ seconds: Double) -> String {
        switch seconds {
        case ..<1e-6: String(format: "%.0f ns", seconds * 1e9)
        case ..<1e-3: String(format: "%.1f us", seconds * 1e6)
        case ..<1: String(format: "%.2f ms", seconds * 1e3)
        default: String(format: "%.3f s", seconds)
        }
    }
    let name = label.count > 78 ? String(label.prefix(77)) + "…" : label
    print(name.padding(toLength: 80, withPad: " ", startingAt: 0) + format(measurement.median) + "  (" + format(measurement.fastest) + ")")
}

extension LinearObjective {
    /// One forward + backward pass over every row, at small non-zero weights.
    func pass() {
        let parameters = [Float](repeating: 0.001, count: parameterCount)
        var gradient = [Float](repeating: 0, count: parameterCount)
        _ = gradient.withUnsafeMutableBufferPointer { evaluate(parameters: parameters, gradient: $0.baseAddress!) }
    }
}
