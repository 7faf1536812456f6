import Hummingbird
import LogitJobs
import LogitStore
import NIOCore

/// `GET /metrics`: the service's Prometheus metrics, with job counts and queue depth read when scraped.
struct MetricsController {
    let store: any JobQueue
    let scheduler: JobScheduler
    let metrics: ServiceMetrics

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(use: scrape)
    }

    @Sendable func scrape(request: Request, context: AppRequestContext) async throws -> Response {
        let counts = try await store.jobCounts()
        metrics.refresh(
            jobCounts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }),
            queueDepth: counts[.queued] ?? 0, replica: scheduler.replica, runningHere: await scheduler.runningJobCount)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
    }
}
