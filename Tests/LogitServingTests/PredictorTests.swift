import Foundation
import LogitCore
import LogitServing
import LogitStore
import Testing

/// The one prediction pipeline: check a row, apply the stored preprocessing, score, pick the most probable class.
@Suite struct PredictorTests {
    /// A 2x2-pixel, three-class softmax model.
    static func imageVersion() -> ModelVersion {
        let metadata = ModelVersionMetadata(
            name: "tiny", version: 3, kind: .softmax, classes: [.integer(0), .integer(1), .name("other")],
            preprocessing: .unit(divisor: 255), featureCount: 4, imageShape: [2, 2], dataset: "test",
            hyperparameters: "{}", metrics: nil, trainingSeconds: 0, stopReason: "", epochsCompleted: 0, jobId: nil,
            createdAt: Date())
        let model = LinearModel(kind: .softmax, featureCount: 4,
                                weights: [1, -1, 0.5, 0, 0, 2, -1, 1, -0.5, 0, 1, -2], biases: [0.1, 0, -0.1])
        return ModelVersion(metadata: metadata, model: .linear(model), curves: [])
    }

    /// What the model itself gives for the preprocessed row (unit preprocessing multiplies by 1/255).
    static func modelProbabilities(_ version: ModelVersion, _ row: [Float]) -> [Float] {
        let scaled = row.map { $0 * (1 / 255 as Float) }
        var probabilities = [Float](repeating: 0, count: version.metadata.classes.count)
        scaled.withUnsafeBufferPointer { x in
            probabilities.withUnsafeMutableBufferPointer { version.model.probabilities(input: x.baseAddress!, into: $0.baseAddress!) }
        }
        return probabilities
    }

    @Test(arguments: [[0, 128, 255, 7], [255, 0, 0, 0], [0, 255, 0, 255], [10, 20, 30, 40]] as [[Float]])
    func oneRowGivesTheModelsProbabilitiesAndTheirMostProbableClass(row: [Float]) throws {
        let version = Self.imageVersion()
        let predictor = Predictor(version)
        let expected = Self.modelProbabilities(version, row)
        let best = expected.indices.max { expected[$0] < expected[$1] }!
        let (label, probabilities) = try row.withUnsafeBufferPointer {
            try predictor.predictOne($0, field: "pixels") { ($0, Array($1)) }
        }
        #expect(probabilities == expected)
        #expect(label == version.metadata.classes[best])
        let batch = try predictor.predict(rows: [row, row], field: { "instances[\($0)]" })
        #expect(batch == [Prediction(label: label, probabilities: expected), Prediction(label: label, probabilities: expected)])
    }

    @Test func rowsOfTheWrongSizeOrWithBadValuesAreRefusedWithTheirField() throws {
        let predictor = Predictor(Self.imageVersion())
        #expect(throws: PredictionError.wrongInputSize(field: "pixels", count: 3, model: "tiny", featureCount: 4,
                                                       imageShape: [2, 2])) {
            try [Float](repeating: 0, count: 3).withUnsafeBufferPointer { try predictor.predictOne($0, field: "pixels") { _, _ in } }
        }
        for bad: Float in [-1, 256, .infinity] {
            #expect(throws: PredictionError.valueOutOfRange(field: "instances[1]", value: bad, isImage: true)) {
                _ = try predictor.predict(rows: [[0, 0, 0, 0], [0, bad, 0, 0]], field: { "instances[\($0)]" })
            }
        }
        let error = #expect(throws: PredictionError.self) { _ = try predictor.predict(rows: [[.nan, 0, 0, 0]], field: { _ in "pixels" }) }
        #expect(error?.code == "VALUE_OUT_OF_RANGE" && error?.description.hasPrefix("pixels holds nan") == true)
        let message = PredictionError.wrongInputSize(field: "pixels", count: 3, model: "tiny", featureCount: 4,
                                                     imageShape: [2, 2]).description
        #expect(message == "pixels has 3 values; model 'tiny' takes exactly 4 (2x2 pixels, row-major)")
    }

    /// A batch of bytes (a binary UINT8 tensor) is scored exactly as the same values as Floats.
    @Test func aBatchOfBytesGivesWhatTheSameFloatsGive() throws {
        let predictor = Predictor(Self.imageVersion())
        let bytes: [UInt8] = [0, 128, 255, 7, 255, 0, 0, 0, 0, 255, 0, 255]
        let floats = bytes.map(Float.init)
        func run(_ body: (UnsafeBufferPointer<Int>, UnsafeBufferPointer<Float>) -> ([Int], [Float])) throws -> ([Int], [Float]) {
            try bytes.withUnsafeBufferPointer { try predictor.predict(bytes: $0, rowCount: 3, body) }
        }
        let fromBytes = try run { (Array($0), Array($1)) }
        let fromFloats = try floats.withUnsafeBufferPointer {
            try predictor.predict(rows: $0, rowCount: 3, field: { "row \($0)" }) { (Array($0), Array($1)) }
        }
        #expect(fromBytes.0 == fromFloats.0 && fromBytes.1 == fromFloats.1)
        #expect(fromBytes.1.count == 9)
        // A bad value anywhere in a long batch is still found (the check's first pass has no early exit).
        var long = [Float](repeating: 3, count: 4 * 1000)
        long[4 * 999 + 2] = -.infinity
        #expect(throws: PredictionError.valueOutOfRange(field: "row 999", value: -.infinity, isImage: true)) {
            try long.withUnsafeBufferPointer { try predictor.predict(rows: $0, rowCount: 1000, field: { "row \($0)" }) { _, _ in } }
        }
    }

    @Test func aTabularModelTakesAnyFiniteValueWithinABillion() throws {
        var version = Self.imageVersion()
        version.metadata.imageShape = nil
        version.metadata.preprocessing = .none
        let predictor = Predictor(version)
        _ = try predictor.predict(rows: [[-1e9, 1e9, -300, 0.5]], field: { _ in "row" })
        #expect(throws: PredictionError.valueOutOfRange(field: "row", value: 2e9, isImage: false)) {
            _ = try predictor.predict(rows: [[2e9, 0, 0, 0]], field: { _ in "row" })
        }
    }

    @Test func probabilitiesThatAreNotFiniteCannotBeRanked() throws {
        var version = Self.imageVersion()
        version.metadata.imageShape = nil
        version.metadata.preprocessing = .none
        version.model = .linear(LinearModel(kind: .softmax, featureCount: 4, weights: [Float](repeating: .nan, count: 12),
                                            biases: [0, 0, 0]))
        #expect(throws: PredictionError.cannotScore) {
            _ = try Predictor(version).predict(rows: [[1, 2, 3, 4]], field: { _ in "row" })
        }
    }
}
