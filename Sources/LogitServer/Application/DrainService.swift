import Foundation
import LogitJobs
import ServiceLifecycle

/// The first step of a graceful shutdown (SIGTERM/SIGINT): readiness turns 503 and `POST /train` answers 503
/// `DRAINING`, running jobs are cancelled and marked `shutdown` (so their event streams end), and then, for `delay`,
/// everything else is still served while load balancers notice. Only then does the server stop listening
/// (`buildServiceGroup` stops the application after this service).
struct DrainService: Service {
    let scheduler: JobScheduler
    let draining: DrainingFlag
    let delay: Duration

    func run() async throws {
        try? await gracefulShutdown()
        draining.set()
        await scheduler.shutdown()
        if delay > .zero { try? await Task.sleep(for: delay) }
    }
}
