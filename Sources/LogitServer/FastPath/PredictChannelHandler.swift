import Foundation
import HTTPTypes
import LogitJobs
import LogitStore
import NIOCore
import NIOHTTPTypes
import LogitServing

/// A `PredictChannelHandler` answering every plain `/predict` with `predictor`, as a connection of the service would
/// have it (for `logit bench`, which times it in an embedded channel).
package func predictChannelHandler(answeringWith predictor: Predictor, metrics: ServiceMetrics) -> any ChannelHandler {
    PredictChannelHandler(PredictChannelHandler.Configuration(
        predictor: { _, _ in predictor }, metrics: metrics, maxBodyBytes: 1 << 20, serverName: "logit",
        corsEnabled: false))
}

/// A `PredictChannelHandler` answering with whichever loaded model `predictor` gives for the body's model and
/// version, as a connection of the service would have it (for the fuzz targets of Fuzz/).
package func predictChannelHandler(
    predictor: @escaping @Sendable (_ name: String?, _ version: VersionReference?) -> Predictor?,
    metrics: ServiceMetrics, maxBodyBytes: Int
) -> any ChannelHandler {
    PredictChannelHandler(PredictChannelHandler.Configuration(
        predictor: predictor, metrics: metrics, maxBodyBytes: maxBodyBytes, serverName: "logit", corsEnabled: false))
}

/// `POST /predict` of one image, answered on the connection's event loop.
///
/// Hummingbird hands each request from the event loop to a task on Swift's cooperative pool, and the answer back:
/// two thread wake-ups that cost more than the prediction (~5 us to read the pixels, predict and write the JSON).
/// On the 2-core machine of docs/benchmarks.md a bare Hummingbird answers a 784-pixel POST 25-28k times a second,
/// p50 0.24-0.26 ms at one connection; the same answer from a channel handler in its pipeline, 36-38k and
/// 0.16-0.17 ms (scripts/bench-http-floor.sh).
///
/// This handler sits in Hummingbird's pipeline right after the HTTP/1 codec (`additionalChannelHandlers`) and
/// answers the common request itself: a body `PixelBody` reads, for a model already in the `ModelCache`, with valid
/// pixels. Every other request goes on to the router untouched, and so does one of these as soon as anything is
/// off (a batch, a bad pixel, a model not loaded yet, a body over the limit): the router's answers and error
/// messages stay the only ones, and the answers written here are the router's byte for byte (`answerOne`), headers
/// included. Requests pipelined behind one the router has not answered yet go to the router too, so answers keep
/// their order. Install it only when the router's middleware would add nothing to such a request
/// (`answersAsTheRouterWould`).
final class PredictChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    struct Configuration: Sendable {
        /// The loaded model a request names (nil, nil: the default model), or nil when it is not loaded.
        var predictor: @Sendable (_ name: String?, _ version: VersionReference?) -> Predictor?
        var metrics: ServiceMetrics
        var maxBodyBytes: Int
        var serverName: String?
        /// Cross-origin answers need the CORS middleware's headers: requests with an `Origin` go to the router.
        var corsEnabled: Bool

        /// The router's middleware adds nothing to a plain `/predict` answer unless every request is logged (debug
        /// level) or predictions need an API key.
        static func answersAsTheRouterWould(logLevelIsDebug: Bool, predictionsNeedKey: Bool) -> Bool {
            !logLevelIsDebug && !predictionsNeedKey
        }
    }

    private enum State {
        case idle
        /// A `/predict` request this handler may answer, its body gathered until the end arrives.
        case gathering(head: HTTPRequest, body: ByteBuffer?, started: ContinuousClock.Instant)
        /// A request on its way to the router, part by part.
        case passing
    }

    private let configuration: Configuration
    private var state = State.idle
    /// Requests passed to the router whose answer has not been written in full yet.
    private var answersAwaited = 0
    private var date = HTTPDateCache()
    /// The request metrics' series of this handler's one kind of answer.
    private lazy var answerSeries = configuration.metrics.requestSeries(method: "POST", route: "/predict", status: 200)

    init(_ configuration: Configuration) {
        self.configuration = configuration
    }


    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch (part, state) {
        case (.head(let head), .idle) where answersAwaited == 0 && mayAnswer(head):
            state = .gathering(head: head, body: nil, started: .now)
        case (.head, _):
            answersAwaited += 1
            state = .passing
            context.fireChannelRead(data)
        case (.body(let part), .gathering(let head, var body, let started)):
            state = .passing  // drops the enum's reference, so appending does not copy the body
            if body == nil {
                body = part
            } else {
                var part = part
                body!.writeBuffer(&part)
            }
            if body!.readableBytes > configuration.maxBodyBytes {
                pass(head, body, context: context)  // the router answers 413
            } else {
                state = .gathering(head: head, body: body, started: started)
            }
        case (.end, .gathering(let head, let body, let started)):
            if !answer(head, body: body, started: started, context: context) {
                pass(head, body, context: context)
                context.fireChannelRead(data)
            }
            state = .idle
        case (.body, _):
            context.fireChannelRead(data)
        case (.end, _):
            state = .idle
            context.fireChannelRead(data)
        }
    }

    /// On graceful shutdown Hummingbird closes connections with no request in progress: a request being gathered
    /// here goes to the router first, so it counts as one and is answered before the connection closes.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, case .gathering(let head, let body, _) = state {
            pass(head, body, context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { answersAwaited = max(0, answersAwaited - 1) }
        context.write(data, promise: promise)
    }

    /// Whether `head` is a request this handler can answer as the router would, given its body. The header fields
    /// are read in one pass (each `HTTPFields` lookup is a scan of them all).
    private func mayAnswer(_ head: HTTPRequest) -> Bool {
        guard head.method == .post, head.path == "/predict" else { return false }
        for field in head.headerFields {
            switch field.name {
            case .contentType:
                if !field.value.isEmpty, !field.value.hasPrefixIgnoringASCIICase("application/json") { return false }
            case .connection:
                if field.value.utf8.count != 10 || !field.value.hasPrefixIgnoringASCIICase("keep-alive") { return false }
            case .contentLength:
                if (Int(field.value) ?? .max) > configuration.maxBodyBytes { return false }
            case .expect:
                return false
            case .origin:
                if configuration.corsEnabled { return false }
            default:
                continue
            }
        }
        return true
    }

    /// Writes the answer and returns true, or returns false having written nothing.
    private func answer(_ head: HTTPRequest, body: ByteBuffer?, started: ContinuousClock.Instant,
                        context: ChannelHandlerContext) -> Bool {
        guard let body, let simple = body.withUnsafeReadableBytes(PixelBody.parse),
              simple.model.map(ModelName.isValid) ?? true,
              let predictor = configuration.predictor(simple.model, simple.version),
              let answer = try? PredictController.answerOne(simple.pixels, with: predictor, metrics: configuration.metrics)
        else { return false }
        var fields = HTTPFields()
        fields.reserveCapacity(5)
        fields[.contentType] = PredictController.answerContentType
        fields[.contentLength] = String(answer.readableBytes)
        fields[.requestId] = RequestIds.id(sentByClient: head.headerFields[.requestId])
        fields[.date] = date.now()
        if let serverName = configuration.serverName { fields[.server] = serverName }
        // Counted as the router counts it, before the answer is written (the in-flight gauge aside: this request
        // was in flight for no time), so a client that has the answer also sees it counted.
        let metrics = configuration.metrics
        metrics.requestFinished(series: answerSeries, duration: started.duration(to: .now))
        metrics.answeredOnEventLoop.add(1, ordering: .relaxed)
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .ok, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(answer)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        return true
    }

    /// Hands a gathered request to the router: its head, then the body gathered so far, in one part.
    private func pass(_ head: HTTPRequest, _ body: ByteBuffer?, context: ChannelHandlerContext) {
        answersAwaited += 1
        state = .passing
        context.fireChannelRead(wrapInboundOut(.head(head)))
        if let body { context.fireChannelRead(wrapInboundOut(.body(body))) }
    }
}

extension String {
    /// Whether the string starts with `prefix` (lowercase ASCII), ignoring the case of ASCII letters, without
    /// making a lowercased copy.
    func hasPrefixIgnoringASCIICase(_ prefix: StaticString) -> Bool {
        var bytes = utf8.makeIterator()
        for index in 0..<prefix.utf8CodeUnitCount {
            guard let byte = bytes.next() else { return false }
            let lowered = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            if lowered != prefix.utf8Start[index] { return false }
        }
        return true
    }
}
