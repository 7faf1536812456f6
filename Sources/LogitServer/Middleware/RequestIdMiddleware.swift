import Foundation
import HTTPTypes
import Logging
import Hummingbird
import Prometheus
import NIOConcurrencyHelpers
import Synchronization

/// Gives every answer a request id: the client's `X-Request-Id` if it sent a sane one, else a new one
/// (`RequestIds`). When the log level is debug (every request logged) the id is also the log lines' `request_id`;
/// at info and above only a server error's log line carries it (ErrorMiddleware), because swift-log re-renders
/// metadata on each change, a cost every `/predict` would pay.
struct RequestIdMiddleware<Context: RequestContext>: RouterMiddleware {
    static var metadataKey: String { "request_id" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        var id: String?
        if context.logger.logLevel <= .debug {
            id = Self.id(of: request)
            context.logger[metadataKey: Self.metadataKey] = .string(id!)
        }
        var response = try await next(request, context)
        if response.headers[.requestId] == nil { response.headers[.requestId] = id ?? Self.id(of: request) }
        return response
    }

    /// The id already in the request's log metadata, else the client's, else a new one.
    static func id(of request: Request, logger: Logger? = nil) -> String {
        if case .string(let id)? = logger?[metadataKey: metadataKey] { return id }
        return RequestIds.id(sentByClient: request.headers[.requestId])
    }
}
