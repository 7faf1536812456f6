import Foundation
import LogitAPI
import HTTPTypes
import LogitCore
import LogitServer
import LogitServing
import LogitStore
import NIOCore
import NIOEmbedded
import NIOHTTPTypes

/// The request-body and answer coding of `/predict`, measured by `logit bench` on the code the server runs. This
/// module, not the server's, links NIOEmbedded.
public enum ServingBenchmarks {
    /// Pixels read by the fast path (nil: the body would take JSONDecoder).
    public static func parseFast(_ body: [UInt8]) -> Int? {
        body.withUnsafeBytes(PixelBody.parse)?.pixels.count
    }

    /// Pixels read by Foundation's JSONDecoder, the fallback path.
    public static func parseWithFoundation(_ body: Data) throws -> Int {
        try JSONDecoder().decode(PredictRequest.self, from: body).pixels?.count ?? 0
    }

    /// Bytes of a one-image answer as the fast path writes it.
    public static func writeAnswer(label: Int, probabilities: [Float]) -> Int {
        probabilities.withUnsafeBufferPointer {
            PredictionJSON.single(model: "mnist-softmax", version: 1, label: .integer(label), probabilities: $0).readableBytes
        }
    }

    /// Characters of a new request id, as answers without the client's `X-Request-Id` get one.
    public static func newRequestId() -> Int { RequestIds.next().utf8.count }

    /// The same with Foundation's UUID (lowercased), for comparison.
    public static func newUUID() -> Int { UUID().uuidString.lowercased().utf8.count }

    /// The answer's shape (`PredictionsView`), for JSONEncoder.
    private struct Answer: Encodable {
        struct Model: Encodable {
            var name: String
            var version: Int
        }
        var model: Model
        var predictions: [Prediction]
    }

    /// Bytes of the same answer as JSONEncoder writes it.
    public static func writeAnswerWithFoundation(label: Int, probabilities: [Float]) throws -> Int {
        try APICoding.encoder.encode(Answer(
            model: Answer.Model(name: "mnist-softmax", version: 1),
            predictions: [Prediction(label: .integer(label), probabilities: probabilities)])).count
    }

    /// A connection's `PredictChannelHandler` in an embedded channel, answering the given body for `version`.
    public final class EventLoopPredictions {
        private let channel = EmbeddedChannel()
        private let head: HTTPRequestPart
        private let body: ByteBuffer

        public init(version: ModelVersion, body: [UInt8]) throws {
            try channel.pipeline.syncOperations.addHandler(
                predictChannelHandler(answeringWith: Predictor(version), metrics: ServiceMetrics()))
            head = .head(HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/predict",
                                     headerFields: [.contentType: "application/json", .contentLength: "\(body.count)"]))
            self.body = ByteBuffer(bytes: body)
        }

        /// Sends one request through the handler; returns the answer's body bytes (0 if it was not answered).
        public func answerOne() throws -> Int {
            try channel.writeInbound(head)
            try channel.writeInbound(HTTPRequestPart.body(body))
            try channel.writeInbound(HTTPRequestPart.end(nil))
            var bytes = 0
            while let part = try channel.readOutbound(as: HTTPResponsePart.self) {
                if case .body(let buffer) = part { bytes += buffer.readableBytes }
            }
            return bytes
        }
    }
}
