import Foundation
import HTTPTypes
import LogitCore
import LogitServer
import LogitServing
import LogitStore
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// The event-loop `/predict` handler (`PredictChannelHandler`) behind the HTTP/1 decoder, fed arbitrary bytes through
/// an embedded channel, with a stand-in router behind it that answers every request it gets at once. The same bytes
/// also go through the decoder alone. Every request the decoder yields must then be answered once, in order, either
/// by the router, having received it exactly as decoded, or by the handler with the router's own answer: 200 and the
/// prediction JSON for the pixels JSONDecoder reads from the body.
///
/// The first byte sets the run: bits 0-5 the size of the chunks the bytes arrive in (0: all at once), bit 6 a
/// graceful shutdown (quiesce) after the last chunk, which must hand a request still being gathered to the router,
/// bit 7 a body limit of 48 bytes instead of 1 MiB.
enum PredictHandlerTarget {
    /// A 2x2-pixel, three-class softmax model, served as the default model and as "tiny" (version 3 or latest).
    static let predictor: Predictor = {
        let metadata = ModelVersionMetadata(
            name: "tiny", version: 3, kind: .softmax, classes: [.integer(0), .integer(1), .name("other")],
            preprocessing: .unit(divisor: 255), featureCount: 4, imageShape: [2, 2], dataset: "fuzz",
            hyperparameters: "{}", metrics: nil, trainingSeconds: 0, stopReason: "", epochsCompleted: 0, jobId: nil,
            createdAt: Date(timeIntervalSince1970: 0))
        let model = LinearModel(kind: .softmax, featureCount: 4,
                                weights: [1, -1, 0.5, 0, 0, 2, -1, 1, -0.5, 0, 1, -2], biases: [0.1, 0, -0.1])
        return Predictor(ModelVersion(metadata: metadata, model: .linear(model), curves: []))
    }()

    static let metrics = ServiceMetrics()
    static let routerField = HTTPField.Name("x-fuzz-router")!

    struct Request: Equatable {
        var head: HTTPRequest
        var body: [UInt8] = []
        var ended = false
    }

    /// The stand-in router: records what reaches it and answers each request as soon as it has ended.
    final class Router: ChannelInboundHandler {
        typealias InboundIn = HTTPRequestPart
        typealias OutboundOut = HTTPResponsePart
        var requests: [Request] = []

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                requests.append(Request(head: head))
            case .body(let buffer):
                guard !requests.isEmpty, !requests[requests.count - 1].ended else { fatalError("a body part outside a request") }
                requests[requests.count - 1].body += buffer.readableBytesView
            case .end:
                guard !requests.isEmpty, !requests[requests.count - 1].ended else { fatalError("an end outside a request") }
                requests[requests.count - 1].ended = true
                let head = HTTPResponse(status: .notFound, headerFields: [routerField: String(requests.count - 1)])
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }

    struct Answer {
        var head: HTTPResponseHead
        var body: [UInt8] = []
    }

    /// Feeds the chunks to a new channel; returns what reached the router and the answers written.
    static func run(chunks: [ByteBuffer], handler: Bool, maxBodyBytes: Int, quiesce: Bool) -> ([Request], [Answer]) {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        let router = Router()
        do {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            if handler {
                try pipeline.addHandler(predictChannelHandler(
                    predictor: { name, version in
                        guard name == nil || name == "tiny" else { return nil }
                        switch version {
                        case nil, .latest?, .number(3)?: return predictor
                        default: return nil
                        }
                    },
                    metrics: metrics, maxBodyBytes: maxBodyBytes))
            }
            try pipeline.addHandler(router)
        } catch {
            fatalError("cannot set up the channel: \(error)")
        }
        for chunk in chunks {
            // A decoding error ends the connection, at the same chunk with the handler and without it.
            do { try channel.writeInbound(chunk) } catch { break }
        }
        if quiesce { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        var answers: [Answer] = []
        while let part = try? channel.readOutbound(as: HTTPServerResponsePart.self) {
            switch part {
            case .head(let head): answers.append(Answer(head: head))
            case .body(.byteBuffer(let buffer)): answers[answers.count - 1].body += buffer.readableBytesView
            case .body: fatalError("a file region in an answer")
            case .end: break
            }
        }
        return (router.requests, answers)
    }

    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let options = bytes.first else { return }
        let content = UnsafeRawBufferPointer(rebasing: bytes.dropFirst())
        let chunkSize = options & 0x3F == 0 ? max(content.count, 1) : Int(options & 0x3F)
        let chunks = stride(from: 0, to: content.count, by: chunkSize).map {
            ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: content[$0..<min($0 + chunkSize, content.count)]))
        }
        let quiesce = options & 0x40 != 0
        let maxBodyBytes = options & 0x80 != 0 ? 48 : 1 << 20
        let (decoded, _) = run(chunks: chunks, handler: false, maxBodyBytes: maxBodyBytes, quiesce: false)
        let (routed, answers) = run(chunks: chunks, handler: true, maxBodyBytes: maxBodyBytes, quiesce: quiesce)
        let input = String(decoding: content, as: UTF8.self).debugDescription

        var routedIndex = 0, answerIndex = 0
        for request in decoded {
            guard request.ended else {
                // The last request, still arriving: with the router already, or gathered by the handler (which a
                // graceful shutdown must hand to the router).
                if routedIndex < routed.count || quiesce {
                    guard routedIndex < routed.count, routed[routedIndex] == request else {
                        fatalError("an unfinished request did not reach the router as decoded: \(input)")
                    }
                    routedIndex += 1
                }
                break
            }
            guard answerIndex < answers.count else { fatalError("a request was not answered: \(input)") }
            let answer = answers[answerIndex]
            answerIndex += 1
            if let index = answer.head.headers.first(name: routerField.rawName) {
                guard index == String(routedIndex), routedIndex < routed.count, routed[routedIndex] == request else {
                    fatalError("a request reached the router otherwise than decoded, or out of order: \(input)")
                }
                routedIndex += 1
            } else {
                checkAnsweredByHandler(request, answer, input: input)
            }
        }
        guard routedIndex == routed.count, answerIndex == answers.count else {
            fatalError("more requests or answers than the decoder yielded: \(input)")
        }
    }

    /// An answer of the handler must be the router's: the prediction of the pixels JSONDecoder reads from the body.
    static func checkAnsweredByHandler(_ request: Request, _ answer: Answer, input: String) {
        guard request.head.method == .post, request.head.path == "/predict" else {
            fatalError("the handler answered \(request.head.method) \(request.head.path ?? ""): \(input)")
        }
        guard let body = try? JSONDecoder().decode(PredictRequest.self, from: Data(request.body)),
              let pixels = body.pixels, body.instances == nil
        else {
            fatalError("the handler answered a body the router would refuse: \(input)")
        }
        let expected: [UInt8]
        do {
            expected = try pixels.withUnsafeBufferPointer { row in
                try predictor.predictOne(row, field: "pixels") { label, probabilities in
                    Array(PredictionJSON.single(model: "tiny", version: 3, label: label, probabilities: probabilities)
                        .readableBytesView)
                }
            }
        } catch {
            fatalError("the handler answered pixels the router refuses (\(error)): \(input)")
        }
        guard answer.head.status == .ok, answer.body == expected,
              answer.head.headers["content-length"] == [String(expected.count)],
              answer.head.headers["content-type"] == ["application/json; charset=utf-8"],
              answer.head.headers["x-request-id"].count == 1
        else {
            fatalError("the handler's answer is not the router's: \(answer.head) \(answer.body) for \(input)")
        }
    }
}
