import Foundation
import HTTPTypes
import Hummingbird
import LogitAPI
import NIOCore

/// An infer request's body as the binary tensor data extension frames it: the JSON request, then (when the
/// `Inference-Header-Content-Length` header gives the JSON's length) the inputs' raw bytes, one input after another
/// in the order of `inputs`, each `parameters.binary_data_size` long. Without the header the whole body is JSON.
struct InferenceBody {
    static let headerLength = HTTPField.Name("Inference-Header-Content-Length")!

    var request: InferRequest
    /// The bytes after the JSON (empty without binary inputs).
    var binary: ByteBuffer

    /// Reads the body (413 over `limit` bytes, compressed or inflated), inflates it when its Content-Encoding is gzip
    /// or deflate, and splits it; any content type is accepted, as Triton does: tritonclient's asyncio client sends
    /// binary bodies as application/octet-stream.
    static func read(_ request: Request, limit: Int) async throws -> InferenceBody {
        var body = try await APICoding.body(of: request, limit: limit, expecting: "an infer request, JSON")
        switch request.headers[.contentEncoding]?.lowercased() {
        case nil, "identity": break
        case "gzip", "deflate": body = try RequestInflater.inflate(body, limit: limit)
        case let encoding?:
            throw APIError(.unsupportedMediaType, code: "UNSUPPORTED_ENCODING",
                           "Content-Encoding \(encoding) is not supported; send gzip, deflate or none")
        }
        return try InferenceBody(body, headerLength: request.headers[headerLength])
    }

    init(_ body: ByteBuffer, headerLength text: String?) throws {
        var body = body
        var json = body
        if let text {
            guard let length = Int(text.trimmingCharacters(in: .whitespaces)), length > 0,
                  length <= body.readableBytes
            else {
                throw APIError.badRequest(
                    "Inference-Header-Content-Length is '\(text)': it must be the JSON header's length in bytes, 1 to the body's \(body.readableBytes)",
                    code: "INVALID_BINARY_FRAMING")
            }
            json = body.readSlice(length: length)!
        } else {
            body.moveReaderIndex(forwardBy: body.readableBytes)
        }
        request = try APICoding.decode(InferRequest.self, from: json)
        binary = body
    }

    /// Each input's binary bytes (nil for an input whose values are in its JSON `data`), checked against the framing:
    /// sizes must be whole non-negative integers, add up to exactly the bytes after the JSON, and an input cannot
    /// have both.
    func binaryInputs() throws -> [ByteBuffer?] {
        var rest = binary
        let slices = try request.inputs.enumerated().map { index, input -> ByteBuffer? in
            guard let parameter = input.parameters?["binary_data_size"] else {
                guard input.data != nil else {
                    throw APIError.badRequest("inputs[\(index)] has neither 'data' nor parameters.binary_data_size",
                                              code: "INVALID_INPUT")
                }
                return nil
            }
            guard let size = parameter.integerValue, size >= 0 else {
                throw APIError.badRequest("inputs[\(index)].parameters.binary_data_size must be a whole number of bytes, 0 or more",
                                          code: "INVALID_BINARY_FRAMING")
            }
            guard input.data == nil else {
                throw APIError.badRequest("inputs[\(index)] has both 'data' and parameters.binary_data_size",
                                          code: "INVALID_BINARY_FRAMING")
            }
            guard size <= rest.readableBytes, let slice = rest.readSlice(length: Int(size)) else {
                throw APIError.badRequest(
                    "inputs[\(index)].parameters.binary_data_size is \(size) but only \(rest.readableBytes) bytes are left after the JSON header",
                    code: "INVALID_BINARY_FRAMING")
            }
            return slice
        }
        guard rest.readableBytes == 0 else {
            throw APIError.badRequest(
                "\(rest.readableBytes) bytes after the JSON header belong to no input (binary_data_size adds up to \(binary.readableBytes - rest.readableBytes))",
                code: "INVALID_BINARY_FRAMING")
        }
        return slices
    }
}

/// Reads an infer body as the endpoint does, up to each input's binary bytes: the number of inputs and, for each, the
/// size of its binary data (nil when its values are JSON). For the fuzz targets of Fuzz/.
package func inferenceFraming(body: ByteBuffer, headerLength: String?) throws -> (inputs: Int, binarySizes: [Int?]) {
    let framed = try InferenceBody(body, headerLength: headerLength)
    return (framed.request.inputs.count, try framed.binaryInputs().map { $0?.readableBytes })
}
