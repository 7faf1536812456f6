import Foundation
import LogitONNX

/// Runs an exported graph on one input row, reading every operator's meaning from the ONNX specification rather
/// than from the exporter, so the tests check the graph a runtime would run (scripts/check_onnx.py runs the real
/// ONNX Runtime). With a batch of one row, every tensor is a flat vector: `[1, k]` and `[k]` are the same values,
/// and a one-value operand broadcasts.
struct RowInterpreter {
    enum Failure: Error { case unsupported(String), missing(String) }

    let graph: Onnx_GraphProto

    /// Values by name after running the graph on `row` (the graph's one input). Labels come back as strings.
    func run(_ row: [Float]) throws -> (label: String, probabilities: [Float]) {
        var floats: [String: [Float]] = [:]
        var labels: [String: [String]] = [:]
        for tensor in graph.initializer {
            switch Onnx_TensorProto.DataType(rawValue: Int(tensor.dataType)) {
            case .float: floats[tensor.name] = tensor.floatData
            case .int64:
                floats[tensor.name] = tensor.int64Data.map(Float.init)
                labels[tensor.name] = tensor.int64Data.map(String.init)
            case .string: labels[tensor.name] = tensor.stringData.map { String(decoding: $0, as: UTF8.self) }
            default: throw Failure.unsupported("initializer type \(tensor.dataType)")
            }
        }
        floats[graph.input[0].name] = row
        func value(_ name: String) throws -> [Float] {
            guard let value = floats[name] else { throw Failure.missing(name) }
            return value
        }
        func attribute(_ node: Onnx_NodeProto, _ name: String) -> Int64? {
            node.attribute.first { $0.name == name }?.i
        }
        func elementwise(_ a: [Float], _ b: [Float], _ f: (Float, Float) -> Float) -> [Float] {
            let count = max(a.count, b.count)
            return (0..<count).map { f(a[a.count == 1 ? 0 : $0], b[b.count == 1 ? 0 : $0]) }
        }
        for node in graph.node {
            let inputs = node.input
            let out: [Float]
            switch node.opType {
            case "Cast": out = try value(inputs[0])
            case "Mul": out = elementwise(try value(inputs[0]), try value(inputs[1]), *)
            case "Sub": out = elementwise(try value(inputs[0]), try value(inputs[1]), -)
            case "Gemm":
                // Y = A B' + C with transB = 1: one dot product per row of B.
                guard attribute(node, "transB") == 1 else { throw Failure.unsupported("Gemm without transB") }
                let a = try value(inputs[0]), b = try value(inputs[1]), c = try value(inputs[2])
                out = (0..<c.count).map { k in
                    zip(a, b[k * a.count..<(k + 1) * a.count]).reduce(0) { $0 + $1.0 * $1.1 } + c[k]
                }
            case "Sigmoid": out = try value(inputs[0]).map { 1 / (1 + exp(-$0)) }
            case "Relu": out = try value(inputs[0]).map { max($0, 0) }
            case "Clip":
                let low = try value(inputs[1])[0], high = try value(inputs[2])[0]
                out = try value(inputs[0]).map { min(max($0, low), high) }
            case "Softmax":
                let z = try value(inputs[0])
                let e = z.map { exp($0 - z.max()!) }
                out = e.map { $0 / e.reduce(0, +) }
            case "ReduceSum": out = [try value(inputs[0]).reduce(0, +)]
            case "Reciprocal": out = try value(inputs[0]).map { 1 / $0 }
            case "Greater": out = elementwise(try value(inputs[0]), try value(inputs[1])) { $0 > $1 ? 1 : 0 }
            case "Where":
                let condition = try value(inputs[0]), a = try value(inputs[1]), b = try value(inputs[2])
                out = elementwise(a, b) { _, _ in 0 }.indices.map { i in
                    condition[condition.count == 1 ? 0 : i] != 0 ? a[a.count == 1 ? 0 : i] : b[b.count == 1 ? 0 : i]
                }
            case "Concat": out = try inputs.flatMap { try value($0) }
            case "ArgMax":
                let p = try value(inputs[0])
                out = [Float(p.indices.max { p[$0] < p[$1] || (p[$0] == p[$1] && $0 > $1) }!)]
            case "Gather":
                guard let table = labels[inputs[0]] else { throw Failure.missing(inputs[0]) }
                labels[node.output[0]] = [table[Int(try value(inputs[1])[0])]]
                continue
            default: throw Failure.unsupported(node.opType)
            }
            floats[node.output[0]] = out
        }
        guard let label = labels["label"]?.first else { throw Failure.missing("label") }
        return (label, try value("probabilities"))
    }
}
