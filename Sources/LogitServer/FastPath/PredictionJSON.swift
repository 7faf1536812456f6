import LogitCore
import NIOCore

/// The answer to a one-image prediction, written byte by byte into the response buffer: the same JSON document
/// `PredictionsView` encodes, without JSONEncoder's intermediate tree (the hot path of `/predict`).
package enum PredictionJSON {
    package static func single(model name: String, version: Int, label: ClassLabel,
                       probabilities: UnsafeBufferPointer<Float>) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(96 + name.utf8.count + 16 * probabilities.count)
        writeHead(model: name, version: version, to: &buffer)
        writePrediction(label: label, probabilities: probabilities, to: &buffer)
        buffer.writeStaticString("]}")
        return buffer
    }

    /// The answer to a batch: `best` class indices into `classes`, `classes.count` probabilities per row.
    package static func batch(model name: String, version: Int, classes: [ClassLabel], best: UnsafeBufferPointer<Int>,
                              probabilities: UnsafeBufferPointer<Float>) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(64 + name.utf8.count + best.count * (32 + 12 * classes.count))
        writeHead(model: name, version: version, to: &buffer)
        for (row, index) in best.enumerated() {
            if row > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            writePrediction(label: classes[index], probabilities: UnsafeBufferPointer(
                rebasing: probabilities[row * classes.count..<(row + 1) * classes.count]), to: &buffer)
        }
        buffer.writeStaticString("]}")
        return buffer
    }

    /// `{"model":{"name":...,"version":...},"predictions":[`
    private static func writeHead(model name: String, version: Int, to buffer: inout ByteBuffer) {
        buffer.writeStaticString(#"{"model":{"name":"#)
        writeString(name, to: &buffer)
        buffer.writeStaticString(#","version":"#)
        buffer.writeString(String(version))
        buffer.writeStaticString(#"},"predictions":["#)
    }

    /// `{"label":...,"probabilities":[...]}`
    private static func writePrediction(label: ClassLabel, probabilities: UnsafeBufferPointer<Float>,
                                        to buffer: inout ByteBuffer) {
        buffer.writeStaticString(#"{"label":"#)
        switch label {
        case .integer(let value): buffer.writeString(String(value))
        case .name(let value): writeString(value, to: &buffer)
        }
        buffer.writeStaticString(#","probabilities":["#)
        for (index, probability) in probabilities.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            // The shortest text that reads back as the same Float, without a trailing ".0", as JSONEncoder writes it.
            let text = probability.description
            buffer.writeString(text.hasSuffix(".0") ? String(text.dropLast(2)) : text)
        }
        buffer.writeStaticString("]}")
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func writeString(_ text: String, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                buffer.writeInteger(UInt8(ascii: "\\"))
                buffer.writeInteger(byte)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(hex[Int(byte >> 4)])
                buffer.writeInteger(hex[Int(byte & 15)])
            default:
                buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
