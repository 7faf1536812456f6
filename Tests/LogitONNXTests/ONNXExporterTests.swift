import Foundation
import LogitCore
import LogitONNX
import LogitServing
import LogitStore
import SwiftProtobuf
import Testing

/// The exported graph: its interface (names, types, batch dimension, opset), the operators of each kind, and that
/// the bytes, parsed back, compute what the service's Predictor computes on raw inputs.
@Suite struct ONNXExporterTests {
    static func metadata(_ kind: ModelKind, classes: [ClassLabel], preprocessing: Preprocessing, features: Int,
                         image: Bool = true) -> ModelVersionMetadata {
        ModelVersionMetadata(
            name: "tiny-\(kind.rawValue)", version: 2, kind: kind, classes: classes, preprocessing: preprocessing,
            featureCount: features, imageShape: image ? [2, 2] : nil, dataset: "test", hyperparameters: "{}",
            metrics: nil, trainingSeconds: 0, stopReason: "", epochsCompleted: 0, jobId: nil, createdAt: Date())
    }

    /// Deterministic weights in about -1...1.
    static func weights(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(sin(Double($0 * 7 + seed))) }
    }

    /// Four-pixel models of every kind (and both MLP activations), three classes but for logistic.
    static func versions() -> [ModelVersion] {
        let unit = Preprocessing.unit(divisor: 255)
        let digits: [ClassLabel] = [.integer(3), .integer(5), .integer(8)]
        var versions: [ModelVersion] = []
        versions.append(ModelVersion(
            metadata: metadata(.logistic, classes: [.integer(2), .integer(4)], preprocessing: unit, features: 4),
            model: .linear(LinearModel(kind: .logistic, featureCount: 4, weights: weights(4, seed: 1), biases: [0.2])),
            curves: []))
        for kind in [ModelKind.softmax, .ovr, .ridge] {
            versions.append(ModelVersion(
                metadata: metadata(kind, classes: digits, preprocessing: unit, features: 4),
                model: .linear(LinearModel(kind: kind, featureCount: 4, weights: weights(12, seed: 2),
                                           biases: [0.1, 0.4, -0.2])),
                curves: []))
        }
        for activation in Activation.allCases {
            var metadata = metadata(.mlp, classes: digits, preprocessing: unit, features: 4)
            metadata.hiddenUnits = 5
            metadata.activation = activation
            let parameters = weights(MLPModel.parameterCount(4, 5, 3), seed: 3)
            versions.append(ModelVersion(metadata: metadata, model: .mlp(MLPModel(
                featureCount: 4, hiddenCount: 5, classCount: 3, activation: activation, parameters: parameters)),
                curves: []))
        }
        return versions
    }

    static let rows: [[Float]] = [[0, 0, 0, 0], [255, 0, 128, 7], [0, 255, 255, 255], [10, 20, 30, 40], [200, 1, 90, 3]]

    static func check(_ version: ModelVersion, inputType: ONNXInputType = .float32, rows: [[Float]] = rows) throws {
        let bytes = try ONNXExporter.data(version, inputType: inputType)
        let parsed = try Onnx_ModelProto(serializedBytes: bytes)
        let interpreter = RowInterpreter(graph: parsed.graph)
        let predictor = Predictor(version)
        for row in rows {
            let (expectedLabel, expected) = try row.withUnsafeBufferPointer {
                try predictor.predictOne($0, field: "row") { ($0.description, Array($1)) }
            }
            let (label, probabilities) = try interpreter.run(row)
            #expect(label == expectedLabel, "\(version.metadata.kind) \(row)")
            #expect(probabilities.count == expected.count)
            for (a, b) in zip(probabilities, expected) {
                #expect(abs(a - b) <= 1e-6, "\(version.metadata.kind) \(row): \(probabilities) vs \(expected)")
            }
        }
    }

    @Test func everyKindComputesThePredictorsProbabilitiesAndLabel() throws {
        for version in Self.versions() {
            try Self.check(version)
            try Self.check(version, inputType: .uint8)
        }
    }

    @Test func theInterfaceIsRawInputsToLabelAndProbabilities() throws {
        for version in Self.versions() {
            let model = try Onnx_ModelProto(serializedBytes: try ONNXExporter.data(version))
            #expect(model.irVersion == 7)
            #expect(model.opsetImport.map(\.domain) == [""])
            #expect(model.opsetImport.map(\.version) == [13])
            let input = model.graph.input[0]
            #expect(model.graph.input.count == 1)
            #expect(input.name == "pixels")
            #expect(input.type.tensorType.elemType == Int32(Onnx_TensorProto.DataType.float.rawValue))
            #expect(input.type.tensorType.shape.dim.map(\.dimParam) == ["N", ""])
            #expect(input.type.tensorType.shape.dim.map(\.dimValue) == [0, 4])
            #expect(model.graph.output.map(\.name) == ["label", "probabilities"])
            let label = model.graph.output[0].type.tensorType, probabilities = model.graph.output[1].type.tensorType
            #expect(label.elemType == Int32(Onnx_TensorProto.DataType.int64.rawValue))
            #expect(label.shape.dim.map(\.dimParam) == ["N"])
            #expect(probabilities.elemType == Int32(Onnx_TensorProto.DataType.float.rawValue))
            #expect(probabilities.shape.dim.map(\.dimValue) == [0, Int64(version.metadata.classes.count)])
            let classes = model.graph.initializer.first { $0.name == "class_labels" }
            #expect(classes?.int64Data == ONNXExporterTests.integers(version.metadata.classes))
        }
    }

    static func integers(_ classes: [ClassLabel]) -> [Int64] {
        classes.compactMap { if case .integer(let value) = $0 { Int64(value) } else { nil } }
    }

    @Test func eachKindUsesItsOperators() throws {
        let expected: [[String]] = [
            ["Mul", "Gemm", "Sigmoid", "Sub", "Concat"],
            ["Mul", "Gemm", "Softmax"],
            ["Mul", "Gemm", "Sigmoid", "ReduceSum", "Reciprocal", "Mul", "Greater", "Where"],
            ["Mul", "Gemm", "Clip", "ReduceSum", "Reciprocal", "Mul", "Greater", "Where"],
            ["Mul", "Gemm", "Relu", "Gemm", "Softmax"],
            ["Mul", "Gemm", "Sigmoid", "Gemm", "Softmax"],
        ]
        for (version, ops) in zip(Self.versions(), expected) {
            let graph = ONNXExporter.model(version).graph
            #expect(graph.node.map(\.opType) == ops + ["ArgMax", "Gather"], "\(version.metadata.kind)")
            let uint8 = ONNXExporter.model(version, inputType: .uint8).graph
            #expect(uint8.node.first?.opType == "Cast")
            #expect(uint8.node.first?.attribute.first?.i == Int64(Onnx_TensorProto.DataType.float.rawValue))
            #expect(uint8.input[0].type.tensorType.elemType == Int32(Onnx_TensorProto.DataType.uint8.rawValue))
        }
    }

    /// All ridge scores clipped to 0: the service answers a uniform distribution, and so must the graph.
    @Test func ridgeWithAllScoresClippedToZeroIsUniform() throws {
        let version = ModelVersion(
            metadata: Self.metadata(.ridge, classes: [.integer(0), .integer(1), .integer(2)],
                                    preprocessing: .unit(divisor: 255), features: 4),
            model: .linear(LinearModel(kind: .ridge, featureCount: 4, weights: [Float](repeating: -1, count: 12),
                                       biases: [-0.5, -0.5, -0.5])),
            curves: [])
        let (label, probabilities) = try RowInterpreter(graph: ONNXExporter.model(version).graph).run([9, 9, 9, 9])
        #expect(probabilities == [Float](repeating: 1 / 3, count: 3))
        #expect(label == "0")
        try Self.check(version)
    }

    /// A tabular model: input `features`, standardisation in the graph (a constant feature maps to 0), and a binary
    /// task's named side as a STRING label.
    @Test func standardizedTabularModelWithNamedClasses() throws {
        let metadata = Self.metadata(.logistic, classes: [.name("rest"), .integer(7)],
                                     preprocessing: .standardize(mean: [1, 2, 3, 4], std: [0.5, 0, 2, 10]),
                                     features: 4, image: false)
        let version = ModelVersion(
            metadata: metadata,
            model: .linear(LinearModel(kind: .logistic, featureCount: 4, weights: [0.3, 5, -0.4, 0.1], biases: [-0.1])),
            curves: [])
        let model = ONNXExporter.model(version)
        #expect(model.graph.input[0].name == "features")
        #expect(model.graph.node.prefix(2).map(\.opType) == ["Sub", "Mul"])
        #expect(model.graph.initializer.first { $0.name == "inverse_std" }?.floatData == [2, 0, 0.5, 0.1])
        #expect(model.graph.output[0].type.tensorType.elemType == Int32(Onnx_TensorProto.DataType.string.rawValue))
        try Self.check(version, rows: [[1, 2, 3, 4], [-3, 100, 7, 0.5], [2, 2, 2, 2]])
    }

    @Test func noPreprocessingAddsNoNode() throws {
        let version = ModelVersion(
            metadata: Self.metadata(.softmax, classes: [.integer(0), .integer(1)], preprocessing: .none, features: 2,
                                    image: false),
            model: .linear(LinearModel(kind: .softmax, featureCount: 2, weights: [1, 2, 3, 4], biases: [0, 1])),
            curves: [])
        #expect(ONNXExporter.model(version).graph.node.map(\.opType) == ["Gemm", "Softmax", "ArgMax", "Gather"])
        try Self.check(version, rows: [[0.5, -0.25], [3, 1]])
    }
}
