import Hummingbird
import LogitStore
import Synchronization

/// `/healthz/live` answers while the process is up; `/healthz/ready` only while the database answers and the
/// service is not draining.
struct HealthController {
    let store: any StoreBackend
    let draining: DrainingFlag

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("live", use: live)
            .get("ready", use: ready)
    }

    @Sendable func live(request: Request, context: AppRequestContext) async throws -> JSONResponse<[String: String]> {
        JSONResponse(["status": "ok"])
    }

    @Sendable func ready(request: Request, context: AppRequestContext) async throws -> JSONResponse<[String: String]> {
        if draining.isDraining {
            throw APIError(.serviceUnavailable, code: "DRAINING", "the service is shutting down")
        }
        do {
            try await store.ping()
        } catch {
            var unavailable = APIError(.serviceUnavailable, code: "DATABASE_UNAVAILABLE", "the database does not answer")
            unavailable.headers[.retryAfter] = "1"
            throw unavailable
        }
        return JSONResponse(["status": "ready"])
    }
}
