import Foundation
import HTTPTypes
import Logging
import Hummingbird
import Prometheus
import NIOConcurrencyHelpers
import Synchronization

/// Counts and times every request by method, matched route and status, and tracks requests in flight.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        metrics.requestStarted()
        // The error middleware inside this one has already turned errors into responses.
        let response = try await next(request, context)
        metrics.requestFinished(method: request.method.rawValue, route: context.endpointPath ?? "unmatched",
                                status: Int(response.status.code), duration: started.duration(to: .now))
        return response
    }
}
