import Testing
@testable import LogitCore

@Suite struct ClassificationMetricsTests {
    /// Three classes, six rows; the expected figures are worked out by hand (and agree with scikit-learn).
    @Test func confusionMatrixAndScores() {
        let targets: [Int32] = [0, 0, 1, 1, 2, 2]
        // Predicted: 0, 1, 1, 1, 2, 0
        let probabilities: [Float] = [
            0.8, 0.1, 0.1,
            0.3, 0.6, 0.1,
            0.1, 0.8, 0.1,
            0.2, 0.7, 0.1,
            0.1, 0.1, 0.8,
            0.5, 0.2, 0.3,
        ]
        let metrics = ClassificationMetrics(classCount: 3, targets: targets, probabilities: probabilities)
        #expect(metrics.confusionMatrix == [[1, 1, 0], [0, 2, 0], [1, 0, 1]])
        #expect(abs(metrics.accuracy - 4.0 / 6) < 1e-12)
        #expect(abs(metrics.perClass[0].precision - 0.5) < 1e-12)
        #expect(abs(metrics.perClass[1].precision - 2.0 / 3) < 1e-12)
        #expect(abs(metrics.perClass[1].recall - 1) < 1e-12)
        #expect(abs(metrics.perClass[2].f1 - 2.0 / 3) < 1e-12)
        #expect(metrics.perClass.map(\.support) == [2, 2, 2])
        let macroF1 = (0.5 + 0.8 + 2.0 / 3) / 3
        #expect(abs(metrics.macroAverage.f1 - macroF1) < 1e-12)
        let logLoss = -(log(0.8) + log(0.3) + log(0.8) + log(0.7) + log(0.8) + log(0.3)) / 6
        #expect(abs(metrics.logLoss - logLoss) < 1e-6)
    }
}

#if canImport(Glibc)
import Glibc
#endif
