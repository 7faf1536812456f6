import Dispatch
import Testing
@testable import LogitCore

/// The objectives are Sendable: passes over one objective from several threads at once give each caller what a pass
/// on its own gives.
@Suite struct ObjectiveSharingTests {
    /// One result slot per concurrent caller; each caller writes only its own.
    final class Slots: @unchecked Sendable {
        let results: UnsafeMutableBufferPointer<(Double, [Float])>
        init(count: Int) {
            results = .allocate(capacity: count)
            results.initialize(repeating: (0, []))
        }
        deinit {
            results.deinitialize()
            results.deallocate()
        }
    }

    func expectConcurrentPassesMatch<Objective: TrainingObjective & Sendable>(_ objective: Objective) {
        var generator = SeededGenerator(seed: 7)
        let callers = 4
        let parameters = (0..<callers).map { _ in
            (0..<objective.parameterCount).map { _ in Float.random(in: -0.1...0.1, using: &generator) }
        }
        @Sendable func pass(_ caller: Int) -> (Double, [Float]) {
            var gradient = [Float](repeating: 0, count: objective.parameterCount)
            let loss = gradient.withUnsafeMutableBufferPointer {
                objective.evaluate(parameters: parameters[caller], gradient: $0.baseAddress!).lossSum
            }
            return (loss, gradient)
        }
        let expected = (0..<callers).map(pass)
        let slots = Slots(count: callers * 8)
        DispatchQueue.concurrentPerform(iterations: callers * 8) { slots.results[$0] = pass($0 % callers) }
        for (index, (loss, gradient)) in slots.results.enumerated() {
            #expect(loss == expected[index % callers].0)
            #expect(gradient == expected[index % callers].1)
        }
    }

    @Test func linearObjective() {
        let data = sparseImages(rows: 2500, features: 40, classes: 4, seed: 3)
        let transform = FeatureTransform(.unit(divisor: 255), featureCount: 40)
        expectConcurrentPassesMatch(LinearObjective(data: data, transform: transform, kind: .softmax, classCount: 4,
                                                    threads: 2))
        expectConcurrentPassesMatch(LinearObjective(data: data, transform: transform, kind: .softmax, classCount: 4,
                                                    threads: 2).denseTwin())
    }

    @Test func mlpObjective() {
        let data = sparseImages(rows: 600, features: 40, classes: 4, seed: 4)
        expectConcurrentPassesMatch(MLPObjective(data: data, transform: FeatureTransform(.unit(divisor: 255), featureCount: 40),
                                                 hiddenCount: 8, classCount: 4, activation: .relu, threads: 2))
    }
}
