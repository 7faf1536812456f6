import Foundation
import LogitCore
import LogitStore
import SwiftProtobuf

/// Writes a stored model version as an ONNX model that any ONNX runtime can serve without Logit: the stored
/// preprocessing is inside the graph, so it takes the raw values `/predict` takes (0-255 pixels for image models)
/// and gives `label` (the class as the data set names it) and `probabilities` (aligned with the version's
/// `classes`). Each step repeats the arithmetic of `Predictor` and `TrainedModel.probabilities` (LogitServing,
/// LogitCore/Model), so an ONNX runtime reproduces the service's answers to rounding.
///
/// Standard operators only, opset 13 of the default domain:
///   input   `pixels` (image models) or `features`, [N, featureCount], FLOAT or UINT8 (then a Cast to FLOAT)
///   unit preprocessing         Mul by 1/divisor;  standardize: Sub mean, Mul 1/std (0 for a constant feature)
///   logistic  Gemm, Sigmoid, Sub from 1, Concat: [P(negative), P(positive)]
///   softmax   Gemm, Softmax
///   ovr       Gemm, Sigmoid, then the normalisation below
///   ridge     Gemm, Clip to [0, 1], then the normalisation below
///   (ovr and ridge: ReduceSum, Reciprocal, Mul; Where the sum is 0, uniform 1/classes)
///   mlp       Gemm, Relu or Sigmoid, Gemm, Softmax
///   outputs `probabilities` [N, classes] FLOAT; `label` [N]: ArgMax (the first on a tie, as `Predictor`) then Gather
///           from the class labels, INT64 when every label is a number, else STRING (a binary task's "rest", "1|7")
public enum ONNXExporter {
    public static let opsetVersion: Int64 = 13
    /// IR version 7 is the one that goes with opset 13.
    public static let irVersion: Int64 = 7

    /// The model as ONNX protobuf bytes.
    public static func data(_ version: ModelVersion, inputType: ONNXInputType = .float32) throws -> Data {
        try model(version, inputType: inputType).serializedData()
    }

    /// The input's name: the one the version's metadata announces (`input.name` in LogitAPI's VersionView).
    public static func inputName(_ metadata: ModelVersionMetadata) -> String {
        metadata.imageShape != nil ? "pixels" : "features"
    }

    public static func model(_ version: ModelVersion, inputType: ONNXInputType = .float32) -> Onnx_ModelProto {
        let metadata = version.metadata
        let features = metadata.featureCount
        let classes = metadata.classes.count
        var builder = ONNXGraphBuilder()

        let input = inputName(metadata)
        var x = input
        if inputType == .uint8 {
            x = builder.node("Cast", [x], output: "raw_float",
                             attributes: [ONNXGraphBuilder.int("to", Onnx_TensorProto.DataType.float.rawValue)])
        }
        x = preprocess(x, metadata.preprocessing, features: features, into: &builder)
        scores(x, model: version.model, into: &builder)

        let best = builder.node("ArgMax", ["probabilities"], output: "class_index", attributes: [
            ONNXGraphBuilder.int("axis", 1), ONNXGraphBuilder.int("keepdims", 0),
            ONNXGraphBuilder.int("select_last_index", 0),
        ])
        let labelType: Onnx_TensorProto.DataType
        if let numbers = integerLabels(metadata.classes) {
            builder.int64s("class_labels", numbers, dims: [classes])
            labelType = .int64
        } else {
            builder.strings("class_labels", metadata.classes.map(\.description))
            labelType = .string
        }
        builder.node("Gather", ["class_labels", best], output: "label", attributes: [ONNXGraphBuilder.int("axis", 0)])

        var graph = Onnx_GraphProto()
        graph.name = "\(metadata.name)-v\(metadata.version)"
        graph.docString = "Logit \(metadata.kind.rawValue) model \(metadata.name) version \(metadata.version), "
            + "trained on \(metadata.dataset); raw inputs, \(metadata.preprocessing.name) preprocessing inside"
        graph.node = builder.nodes
        graph.initializer = builder.initializers
        graph.input = [ONNXGraphBuilder.value(input, inputType == .uint8 ? .uint8 : .float, batchBy: [features])]
        graph.output = [
            ONNXGraphBuilder.value("label", labelType, batchBy: []),
            ONNXGraphBuilder.value("probabilities", .float, batchBy: [classes]),
        ]

        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = opsetVersion
        var model = Onnx_ModelProto()
        model.irVersion = irVersion
        model.opsetImport = [opset]
        model.producerName = "logit"
        model.modelVersion = Int64(metadata.version)
        model.graph = graph
        model.metadataProps = [
            ("name", metadata.name), ("version", String(metadata.version)), ("kind", metadata.kind.rawValue),
            ("dataset", metadata.dataset), ("preprocessing", metadata.preprocessing.name),
            ("classes", metadata.classes.map(\.description).joined(separator: ",")),
        ].map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        return model
    }

    /// The labels as INT64 when all are integers (the convention of ONNX classifiers), else nil.
    static func integerLabels(_ classes: [ClassLabel]) -> [Int64]? {
        var numbers: [Int64] = []
        for label in classes {
            guard case .integer(let value) = label else { return nil }
            numbers.append(Int64(value))
        }
        return numbers
    }

    /// The nodes of `FeatureTransform`: x * (1/divisor), or (x - mean) * (1/std), with the factors computed in Float
    /// exactly as it computes them.
    private static func preprocess(_ x: String, _ preprocessing: Preprocessing, features: Int,
                                   into builder: inout ONNXGraphBuilder) -> String {
        let transform = FeatureTransform(preprocessing, featureCount: features)
        switch preprocessing {
        case .none:
            return x
        case .unit:
            let factor = builder.floats("unit_factor", [transform.sharedFactor ?? 1], dims: [])
            return builder.node("Mul", [x, factor], output: "model_input")
        case .standardize:
            let mean = builder.floats("mean", transform.offsets, dims: [features])
            let factors = builder.floats("inverse_std", transform.factors, dims: [features])
            let centred = builder.node("Sub", [x, mean], output: "centred")
            return builder.node("Mul", [centred, factors], output: "model_input")
        }
    }

    /// The nodes from model inputs to the output `probabilities`.
    private static func scores(_ x: String, model: TrainedModel, into builder: inout ONNXGraphBuilder) {
        let transposedB = [ONNXGraphBuilder.int("transB", 1)]
        switch model {
        case .linear(let linear):
            let weights = builder.floats("W", linear.weights, dims: [linear.outputCount, linear.featureCount])
            let biases = builder.floats("b", linear.biases, dims: [linear.outputCount])
            let z = builder.node("Gemm", [x, weights, biases], output: "scores", attributes: transposedB)
            switch linear.kind {
            case .logistic:
                let positive = builder.node("Sigmoid", [z], output: "positive")
                let one = builder.floats("one", [1], dims: [])
                let negative = builder.node("Sub", [one, positive], output: "negative")
                builder.node("Concat", [negative, positive], output: "probabilities",
                             attributes: [ONNXGraphBuilder.int("axis", 1)])
            case .softmax:
                builder.node("Softmax", [z], output: "probabilities", attributes: [ONNXGraphBuilder.int("axis", 1)])
            case .ovr:
                let p = builder.node("Sigmoid", [z], output: "unnormalised")
                normalise(p, classes: linear.outputCount, into: &builder)
            case .ridge:
                let low = builder.floats("zero", [0], dims: [])
                let high = builder.floats("one", [1], dims: [])
                let p = builder.node("Clip", [z, low, high], output: "unnormalised")
                normalise(p, classes: linear.outputCount, into: &builder)
            case .mlp:
                preconditionFailure("an MLP is not a linear model")
            }
        case .mlp(let mlp):
            let layout = mlp.layout
            let w1 = builder.floats("W1", Array(mlp.parameters[layout.hiddenWeights]),
                                    dims: [mlp.hiddenCount, mlp.featureCount])
            let b1 = builder.floats("b1", Array(mlp.parameters[layout.hiddenBiases]), dims: [mlp.hiddenCount])
            let w2 = builder.floats("W2", Array(mlp.parameters[layout.outputWeights]),
                                    dims: [mlp.classCount, mlp.hiddenCount])
            let b2 = builder.floats("b2", Array(mlp.parameters[layout.outputBiases]), dims: [mlp.classCount])
            let z1 = builder.node("Gemm", [x, w1, b1], output: "hidden_scores", attributes: transposedB)
            let activation: String
            switch mlp.activation {
            case .relu: activation = "Relu"
            case .sigmoid: activation = "Sigmoid"
            }
            let hidden = builder.node(activation, [z1], output: "hidden")
            let z2 = builder.node("Gemm", [hidden, w2, b2], output: "scores", attributes: transposedB)
            builder.node("Softmax", [z2], output: "probabilities", attributes: [ONNXGraphBuilder.int("axis", 1)])
        }
    }

    /// `probabilities` = p / sum(p) per row, or 1/classes everywhere when the sum is 0 (all ridge scores clipped
    /// to 0: no preference), as `LinearModel.probabilities` does it: a reciprocal, then a product.
    private static func normalise(_ p: String, classes: Int, into builder: inout ONNXGraphBuilder) {
        let axes = builder.int64s("class_axis", [1], dims: [1])
        let total = builder.node("ReduceSum", [p, axes], output: "total",
                                 attributes: [ONNXGraphBuilder.int("keepdims", 1)])
        let inverse = builder.node("Reciprocal", [total], output: "inverse_total")
        let scaled = builder.node("Mul", [p, inverse], output: "normalised")
        let zero = builder.floats("zero_total", [0], dims: [])
        let positive = builder.node("Greater", [total, zero], output: "has_total")
        let uniform = builder.floats("uniform", [Float](repeating: 1 / Float(classes), count: classes),
                                     dims: [1, classes])
        builder.node("Where", [positive, scaled, uniform], output: "probabilities")
    }
}
