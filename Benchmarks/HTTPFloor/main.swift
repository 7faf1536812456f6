// The HTTP floor of this machine for scripts/bench-http-floor.sh: the same one-line JSON answer to every request,
// served four ways, so the cost of each layer between the socket and Logit's handlers can be measured:
//   nio                  a SwiftNIO HTTP/1 channel handler (no Hummingbird)
//   hummingbird          a bare Hummingbird application (router, no middleware): each request on a task
//   hummingbird-handler  the same application with the answer written by a channel handler in its pipeline,
//                        as Logit's PredictChannelHandler does
//   hummingbird-executor the bare application with each connection's task preferring its event loop as executor
// Usage: http-floor MODE PORT
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOPosix

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[2]) else {
    print("usage: http-floor nio|hummingbird|hummingbird-handler|hummingbird-executor PORT")
    exit(2)
}
let answer = #"{"status":"ok"}"#
let address = BindAddress.hostname("127.0.0.1", port: port)

switch arguments[1] {
case "nio":
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.backlog, value: 256)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                try channel.pipeline.syncOperations.addHandler(NIOAnswerHandler())
            }
        }
        .bind(host: "127.0.0.1", port: port).get()
    try await channel.closeFuture.get()
case "hummingbird":
    try await Application(router: router(), configuration: .init(address: address)).runService()
case "hummingbird-handler":
    try await Application(router: router(), server: .http1(configuration: .init(additionalChannelHandlers: [PipelineAnswerHandler()])),
                          configuration: .init(address: address)).runService()
case "hummingbird-executor":
    try await Application(router: router(), server: .init { EventLoopExecutorChannel(base: HTTP1Channel(responder: $0)) },
                          configuration: .init(address: address)).runService()
default:
    print("unknown mode \(arguments[1])")
    exit(2)
}

func router() -> Router<BasicRequestContext> {
    let router = Router()
    router.get("healthz/live") { _, _ in answer }
    router.post("predict") { _, _ in answer }
    return router
}

/// Answers every request once its end has arrived (NIO's HTTP/1 types).
final class NIOAnswerHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let headers = HTTPHeaders([("content-type", "application/json"), ("content-length", "\(answer.utf8.count)")])
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: answer)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

/// Answers every request in Hummingbird's pipeline, before it reaches the application (HTTP types).
final class PipelineAnswerHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let fields: HTTPFields = [.contentType: "application/json", .contentLength: "\(answer.utf8.count)"]
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .ok, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(string: answer))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

/// Runs jobs on one event loop, as a task executor.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop
    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Hummingbird's HTTP/1 channel, each connection's task preferring the connection's event loop.
struct EventLoopExecutorChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> { base.setup(channel: channel, logger: logger) }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}
