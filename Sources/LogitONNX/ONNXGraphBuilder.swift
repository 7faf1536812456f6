import Foundation
import SwiftProtobuf

/// Accumulates the nodes and initializers of one ONNX graph, naming every node after its output so a graph read
/// back (Tests/LogitONNXTests) or shown in a viewer says what each step computes.
struct ONNXGraphBuilder {
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []

    /// Adds a node of `op` (domain ai.onnx) and returns the name of its (first) output, `output`.
    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], output: String,
                       attributes: [Onnx_AttributeProto] = []) -> String {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = output
        node.input = inputs
        node.output = [output]
        node.attribute = attributes
        nodes.append(node)
        return output
    }

    /// Adds a FLOAT initializer of shape `dims` and returns its name.
    @discardableResult
    mutating func floats(_ name: String, _ values: [Float], dims: [Int]) -> String {
        precondition(values.count == dims.reduce(1, *), "\(name): \(values.count) values for dims \(dims)")
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.dims = dims.map(Int64.init)
        tensor.floatData = values
        initializers.append(tensor)
        return name
    }

    /// Adds an INT64 initializer of shape `dims` and returns its name.
    @discardableResult
    mutating func int64s(_ name: String, _ values: [Int64], dims: [Int]) -> String {
        precondition(values.count == dims.reduce(1, *), "\(name): \(values.count) values for dims \(dims)")
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        tensor.dims = dims.map(Int64.init)
        tensor.int64Data = values
        initializers.append(tensor)
        return name
    }

    /// Adds a STRING initializer (UTF-8) of one dimension and returns its name.
    @discardableResult
    mutating func strings(_ name: String, _ values: [String]) -> String {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = Int32(Onnx_TensorProto.DataType.string.rawValue)
        tensor.dims = [Int64(values.count)]
        tensor.stringData = values.map { Data($0.utf8) }
        initializers.append(tensor)
        return name
    }

    static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .int
        attribute.i = Int64(value)
        return attribute
    }

    /// A graph input or output of `elementType` whose first dimension is the batch (symbolic `N`).
    static func value(_ name: String, _ elementType: Onnx_TensorProto.DataType, batchBy dims: [Int]) -> Onnx_ValueInfoProto {
        var shape = Onnx_TensorShapeProto()
        var batch = Onnx_TensorShapeProto.Dimension()
        batch.dimParam = "N"
        shape.dim = [batch] + dims.map { size in
            var dimension = Onnx_TensorShapeProto.Dimension()
            dimension.dimValue = Int64(size)
            return dimension
        }
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(elementType.rawValue)
        tensor.shape = shape
        var type = Onnx_TypeProto()
        type.tensorType = tensor
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type = type
        return info
    }
}
