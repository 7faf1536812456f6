import LogitCore
import LogitStore

/// A stored model version ready to predict: the one pipeline every prediction goes through (both `/predict`
/// routes, `/v2` infer, `logit predict` and the misclassified picture). It checks a row, applies the stored
/// preprocessing, scores it and picks the most probable class; the per-row work allocates nothing.
public struct Predictor: Sendable {
    public let metadata: ModelVersionMetadata
    public let model: TrainedModel
    public let transform: FeatureTransform

    public init(_ version: ModelVersion) {
        metadata = version.metadata
        model = version.model
        transform = FeatureTransform(version.metadata.preprocessing, featureCount: version.metadata.featureCount)
    }

    public var featureCount: Int { metadata.featureCount }
    public var classCount: Int { metadata.classes.count }
    private var isImage: Bool { metadata.imageShape != nil }

    /// Checks that `row` is a valid input: exactly `featureCount` finite values, 0...255 for images and within
    /// +-1e9 for tabular models (beyond that the preprocessing and the model overflow Float). `field` names the row
    /// in the error.
    public func check(_ row: UnsafeBufferPointer<Float>, field: @autoclosure () -> String) throws(PredictionError) {
        guard row.count == featureCount else {
            throw .wrongInputSize(field: field(), count: row.count, model: metadata.name, featureCount: featureCount,
                                  imageShape: metadata.imageShape)
        }
        // First a pass without an early exit, which the compiler vectorises (a batch of 10,000 images is 7.8 million
        // values); the comparisons are false for NaN, so it fails for non-finite values too. Only a row that fails
        // is searched for the value to name.
        let isImage = self.isImage
        var valid = 0
        if isImage {
            for value in row { valid &+= value >= 0 && value <= 255 ? 1 : 0 }
        } else {
            for value in row { valid &+= abs(value) <= 1e9 ? 1 : 0 }
        }
        guard valid != row.count else { return }
        for value in row where !value.isFinite || (isImage ? !(0...255).contains(value) : abs(value) > 1e9) {
            throw .valueOutOfRange(field: field(), value: value, isImage: isImage)
        }
    }

    /// Checks, transforms and scores one row: writes `classCount` probabilities and returns the index of the most
    /// probable class (the first, on a tie). `input` is `featureCount` floats of scratch space.
    public func predict(_ row: UnsafeBufferPointer<Float>, field: @autoclosure () -> String,
                        input: UnsafeMutablePointer<Float>,
                        probabilities: UnsafeMutableBufferPointer<Float>) throws(PredictionError) -> Int {
        try check(row, field: field())
        transform.apply(row, into: input)
        model.probabilities(input: input, into: probabilities.baseAddress!)
        return try Self.best(UnsafeBufferPointer(probabilities))
    }

    /// One row, with its scratch space and probabilities on the stack: `body` gets the predicted class and the
    /// probabilities (valid only during the call).
    public func predictOne<Result>(
        _ row: UnsafeBufferPointer<Float>, field: @autoclosure () -> String,
        _ body: (_ label: ClassLabel, _ probabilities: UnsafeBufferPointer<Float>) throws -> Result
    ) throws -> Result {
        try withUnsafeTemporaryAllocation(of: Float.self, capacity: featureCount) { input in
            try withUnsafeTemporaryAllocation(of: Float.self, capacity: classCount) { probabilities in
                let best = try predict(row, field: field(), input: input.baseAddress!, probabilities: probabilities)
                return try body(metadata.classes[best], UnsafeBufferPointer(probabilities))
            }
        }
    }

    /// Several rows, each checked before any is scored, so a bad row anywhere changes nothing.
    public func predict(rows: [[Float]], field: (Int) -> String) throws(PredictionError) -> [Prediction] {
        for (index, row) in rows.enumerated() {
            try row.withUnsafeBufferPointer { (row) throws(PredictionError) in try check(row, field: field(index)) }
        }
        var predictions: [Prediction] = []
        predictions.reserveCapacity(rows.count)
        let input = UnsafeMutablePointer<Float>.allocate(capacity: featureCount)
        defer { input.deallocate() }
        for (index, row) in rows.enumerated() {
            var probabilities = [Float](repeating: 0, count: classCount)
            let best = try row.withUnsafeBufferPointer { (row) throws(PredictionError) in
                try probabilities.withUnsafeMutableBufferPointer { (probabilities) throws(PredictionError) in
                    try predict(row, field: field(index), input: input, probabilities: probabilities)
                }
            }
            predictions.append(Prediction(label: metadata.classes[best], probabilities: probabilities))
        }
        return predictions
    }

    /// `rowCount` rows of `values.count / rowCount` values, one after another (a decoded batch, no array per row):
    /// every row is checked before any is scored, so a bad row anywhere changes nothing. `body` gets the predicted
    /// class of each row and their probabilities, `classCount` per row (valid only during the call).
    public func predict<Result>(
        rows values: UnsafeBufferPointer<Float>, rowCount: Int, field: (Int) -> String,
        _ body: (_ best: UnsafeBufferPointer<Int>, _ probabilities: UnsafeBufferPointer<Float>) throws -> Result
    ) throws -> Result {
        let width = values.count / rowCount
        func row(_ index: Int) -> UnsafeBufferPointer<Float> {
            UnsafeBufferPointer(rebasing: values[index * width..<(index + 1) * width])
        }
        for index in 0..<rowCount { try check(row(index), field: field(index)) }
        return try score(rowCount: rowCount, { index, input in transform.apply(row(index), into: input) }, body)
    }

    /// `rowCount` rows of bytes, `featureCount` each (a binary UINT8 tensor), as `predict(rows:)` does for Floats.
    /// Bytes are always valid inputs (finite, 0-255), so no row is checked, and the preprocessing reads them directly:
    /// the batch is never copied to Floats.
    public func predict<Result>(
        bytes values: UnsafeBufferPointer<UInt8>, rowCount: Int,
        _ body: (_ best: UnsafeBufferPointer<Int>, _ probabilities: UnsafeBufferPointer<Float>) throws -> Result
    ) throws -> Result {
        precondition(values.count == rowCount * featureCount, "a batch of bytes must be rowCount x featureCount")
        let width = featureCount
        return try score(rowCount: rowCount, { index, input in
            transform.apply(UnsafeBufferPointer(rebasing: values[index * width..<(index + 1) * width]), into: input)
        }, body)
    }

    /// Scores `rowCount` rows, each written into the model's input by `prepare` (the row index, the input), and
    /// hands `body` each row's best class and all the probabilities, `classCount` per row.
    @inline(__always)
    private func score<Result>(
        rowCount: Int, _ prepare: (Int, UnsafeMutablePointer<Float>) -> Void,
        _ body: (_ best: UnsafeBufferPointer<Int>, _ probabilities: UnsafeBufferPointer<Float>) throws -> Result
    ) throws -> Result {
        let best = UnsafeMutableBufferPointer<Int>.allocate(capacity: rowCount)
        defer { best.deallocate() }
        let probabilities = UnsafeMutableBufferPointer<Float>.allocate(capacity: rowCount * classCount)
        defer { probabilities.deallocate() }
        try withUnsafeTemporaryAllocation(of: Float.self, capacity: featureCount) { input in
            for index in 0..<rowCount {
                prepare(index, input.baseAddress!)
                let out = probabilities.baseAddress! + index * classCount
                model.probabilities(input: input.baseAddress!, into: out)
                best[index] = try Self.best(UnsafeBufferPointer(start: out, count: classCount))
            }
        }
        return try body(UnsafeBufferPointer(best), UnsafeBufferPointer(probabilities))
    }

    /// The predicted class index of each of `rows` of a data set's raw matrix (rows the data set has already
    /// checked), for pictures and evaluation.
    public func predictedClasses(matrix: FeatureMatrix, rows: [Int32]) -> [Int] {
        let probabilities = model.predictProbabilities(matrix: matrix, rows: rows, transform: transform)
        return probabilities.withUnsafeBufferPointer { all in
            (0..<rows.count).map { index in
                let row = UnsafeBufferPointer(rebasing: all[index * classCount..<(index + 1) * classCount])
                return (try? Self.best(row)) ?? 0
            }
        }
    }

    /// The index of the largest probability (the first on a tie); non-finite probabilities cannot be ranked.
    private static func best(_ probabilities: UnsafeBufferPointer<Float>) throws(PredictionError) -> Int {
        var best = 0
        for k in probabilities.indices {
            guard probabilities[k].isFinite else { throw .cannotScore }
            if probabilities[k] > probabilities[best] { best = k }
        }
        return best
    }
}
