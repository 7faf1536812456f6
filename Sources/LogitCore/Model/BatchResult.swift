/// Sum of the cross-entropy loss (and count of correct predictions) over some rows.
public struct BatchResult: Sendable {
    public var lossSum: Double
    public var correct: Int
    public var count: Int

    public init(lossSum: Double = 0, correct: Int = 0, count: Int = 0) {
        self.lossSum = lossSum
        self.correct = correct
        self.count = count
    }

    public var meanLoss: Double { count > 0 ? lossSum / Double(count) : 0 }
    public var accuracy: Double { count > 0 ? Double(correct) / Double(count) : 0 }

    static func + (a: BatchResult, b: BatchResult) -> BatchResult {
        BatchResult(lossSum: a.lossSum + b.lossSum, correct: a.correct + b.correct, count: a.count + b.count)
    }
}
