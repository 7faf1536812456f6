import Foundation
import HTTPTypes
import Hummingbird
import LogitAPI
import NIOCore

/// An infer answer: plain JSON, or, when some output is binary, the binary tensor data extension's framing: the JSON
/// header, its length in `Inference-Header-Content-Length`, then each binary output's bytes in the order of
/// `outputs` (as application/octet-stream, like Triton).
struct InferenceAnswer: ResponseGenerator {
    var header: InferenceResponse
    /// The binary outputs' bytes, one after another; empty when every output is JSON.
    var binary: ByteBuffer

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let json = try APICoding.encoder.encode(header)
        guard binary.readableBytes > 0 || header.outputs.contains(where: { $0.data == nil }) else {
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        var body = ByteBuffer()
        body.reserveCapacity(json.count + binary.readableBytes)
        body.writeBytes(json)
        body.writeImmutableBuffer(binary)
        return Response(status: .ok,
                        headers: [.contentType: "application/octet-stream", InferenceBody.headerLength: String(json.count)],
                        body: .init(byteBuffer: body))
    }
}
