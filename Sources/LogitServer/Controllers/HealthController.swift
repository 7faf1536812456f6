import Hummingbird
import LogitStore
import Synchronization

/// `/healthz/live` answers while the process is up; `/healthz/ready` only while the database answers and the
/// service is not draining.
struct HealthController {
    let store: any ModelStore
    let draining: DrainingFlag

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("live") { _, _ in JSONResponse(["status": "ok"]) }
        group.get("ready") { _, _ in
            if draining.isDraining {
                throw APIError(.serviceUnavailable, code: "DRAINING", "the service is shutting down")
            }
            do {
                _ = try await store.jobs(limit: 1)
            } catch {
                throw APIError(.serviceUnavailable, code: "DATABASE_UNAVAILABLE", "the database does not answer")
            }
            return JSONResponse(["status": "ready"])
        }
    }
}

