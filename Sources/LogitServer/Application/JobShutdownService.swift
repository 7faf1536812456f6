import Foundation
import Hummingbird
import LogitData
import NIOCore
import LogitJobs
import LogitStore
import Logging
import ServiceLifecycle

/// On graceful shutdown (SIGTERM/SIGINT): readiness turns 503 and running jobs are cancelled and marked.
struct JobShutdownService: Service {
    let scheduler: JobScheduler
    let draining: DrainingFlag

    func run() async throws {
        try? await gracefulShutdown()
        draining.set()
        await scheduler.shutdown()
    }
}
