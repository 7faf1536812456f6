import Foundation
import HTTPTypes
import Hummingbird
import LogitData
import LogitJobs
import LogitServing
import LogitStore

/// Turns every error into the API's JSON error body, and logs the ones that are the service's fault.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError.from(error)
            guard apiError.status.code >= 500 else { return try apiError.response(from: request, context: context) }
            let requestId = RequestIdMiddleware<Context>.id(of: request, logger: context.logger)
            context.logger.error("request failed", metadata: [
                "error": "\(error)", "path": "\(request.uri.path)", "request_id": "\(requestId)",
            ])
            var response = try apiError.response(from: request, context: context)
            response.headers[.requestId] = requestId
            return response
        }
    }
}
