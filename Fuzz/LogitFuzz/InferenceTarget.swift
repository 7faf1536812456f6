import LogitServer
import NIOCore

/// The KServe V2 `infer` body reader with the binary tensor data extension: the first two bytes (little-endian) are
/// the `Inference-Header-Content-Length` (0: no header, the whole body is JSON), the rest is the body. Malformed
/// bodies are errors; an accepted one gives one size per input whose binary sizes add up to the bytes after the JSON.
enum InferenceTarget {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 2 else { return }
        let length = Int(bytes[0]) | Int(bytes[1]) << 8
        let body = ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: bytes[2...]))
        let header = length == 0 ? nil : String(length)
        guard let framed = try? inferenceFraming(body: body, headerLength: header) else { return }
        let binary = framed.binarySizes.compactMap { $0 }.reduce(0, +)
        guard framed.binarySizes.count == framed.inputs, binary == (header == nil ? 0 : body.readableBytes - length)
        else {
            fatalError("accepted \(framed) from \(body.readableBytes) bytes with a header of \(length)")
        }
    }
}
