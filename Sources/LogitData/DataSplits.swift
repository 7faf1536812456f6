import LogitCore

/// Train, validation and test rows for one training run.
public struct DataSplits: Sendable {
    public let train: LabeledRows
    public let validation: LabeledRows?
    public let test: LabeledRows?
}

public struct SplitOptions: Sendable {
    /// Share of the (task's) training rows held out for validation.
    public var validationFraction: Double
    /// Share held out for testing when the data set has no official test split.
    public var testFraction: Double
    /// Use at most this many training rows (after the validation split); nil = all.
    public var trainSize: Int?
    public var seed: UInt64

    public init(validationFraction: Double = 0.1, testFraction: Double = 0.2, trainSize: Int? = nil, seed: UInt64 = 0) {
        self.validationFraction = validationFraction
        self.testFraction = testFraction
        self.trainSize = trainSize
        self.seed = seed
    }
}

extension Dataset {
    /// Seeded, reproducible splits: rows of the task are shuffled, a test share is carved first when the data set
    /// has no test split, then the validation share, then the training rows are capped at `trainSize`. Each split
    /// then keeps its rows in storage order, so a full pass reads the data front to back (about a third less time
    /// than in shuffled order: `logit bench`, docs/benchmarks.md); mini-batch optimisers shuffle their own visiting
    /// order every epoch.
    public func splits(task: ClassificationTask, options: SplitOptions) -> DataSplits {
        let target = task.targetMapping(datasetClasses: classes)
        func labeled(_ matrix: FeatureMatrix, _ labels: [Int32], _ rows: [Int32]) -> LabeledRows {
            var kept: [Int32] = []
            var targets: [Int32] = []
            for row in rows {
                if let t = target(Int(labels[Int(row)])) {
                    kept.append(row)
                    targets.append(t)
                }
            }
            return LabeledRows(matrix: matrix, rows: kept, targets: targets)
        }
        var generator = SeededGenerator(seed: options.seed)
        var rows = labeled(train, trainLabels, Array(0..<Int32(train.rowCount))).rows
        rows.shuffle(using: &generator)

        var testRows: LabeledRows?
        if let test {
            testRows = labeled(test, testLabels, Array(0..<Int32(test.rowCount)))
        } else if options.testFraction > 0 {
            let count = Int((Double(rows.count) * min(options.testFraction, 1)).rounded())
            testRows = labeled(train, trainLabels, rows[..<count].sorted())
            rows.removeFirst(count)
        }
        let validationCount = Int((Double(rows.count) * min(max(options.validationFraction, 0), 1)).rounded())
        let validation = validationCount > 0 ? labeled(train, trainLabels, rows[..<validationCount].sorted()) : nil
        rows.removeFirst(validationCount)
        if let trainSize = options.trainSize, trainSize < rows.count { rows.removeLast(rows.count - max(trainSize, 0)) }
        return DataSplits(train: labeled(train, trainLabels, rows.sorted()), validation: validation, test: testRows)
    }
}
