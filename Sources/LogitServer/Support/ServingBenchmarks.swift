import Foundation
import LogitCore

/// The request-body and answer coding of `/predict`, exposed so `logit bench` measures the code the server runs.
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

    /// The same with the UUID the ids were before.
    public static func newUUID() -> Int { UUID().uuidString.lowercased().utf8.count }

    /// Bytes of the same answer as JSONEncoder writes it.
    public static func writeAnswerWithFoundation(label: Int, probabilities: [Float]) throws -> Int {
        try APICoding.encoder.encode(PredictionsView(
            model: ModelReference(name: "mnist-softmax", version: 1),
            predictions: [Prediction(label: .integer(label), probabilities: probabilities)])).count
    }
}
