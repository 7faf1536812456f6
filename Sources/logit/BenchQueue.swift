import ArgumentParser
import Foundation
import LogitServer
import LogitStore
import Logging

/// `logit bench-queue`: how many jobs a store's queue hands out per second to concurrent workers, each claiming
/// the oldest queued job and then finishing it, as replicas' workers do (scripts/bench-queue.sh runs it on SQLite
/// and PostgreSQL side by side). It writes jobs to the database it is given: use a throwaway one.
struct BenchQueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-queue",
        abstract: "Measure job claims per second with concurrent workers on a throwaway database.")

    @Option(help: "SQLite file or postgres:// URL of a throwaway database (default: a new SQLite file).")
    var database: String?
    @Option(help: "Concurrent workers.") var workers = 8
    @Option(help: "Jobs to queue and claim.") var jobs = 2000

    func run() async throws {
        let database = self.database ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("logit-bench-queue-\(UUID().uuidString).sqlite").path
        let (workers, jobs) = (max(1, self.workers), max(1, self.jobs))
        let seconds = try await withStore(database, logger: Logger(label: "bench-queue")) { store in
            let batch = UUID().uuidString.prefix(8)
            for index in 0..<jobs {
                try await store.insertJob(JobRecord(id: "bench-\(batch)-\(index)", request: "{}", createdAt: Date(),
                                                    epochs: 1))
            }
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        while let job = try await store.claimJob(replica: "bench-\(worker)", leaseUntil: Date() + 60,
                                                                 at: Date()),
                              let lease = job.lease
                        {
                            try await store.finishJob(lease, status: .cancelled, error: nil, at: Date())
                        }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        let backend = database.hasPrefix("postgres") ? "PostgreSQL" : "SQLite"
        print(String(format: "%@: %d jobs claimed and finished by %d workers in %.2f s: %.0f claims/s",
                     backend, jobs, workers, seconds, Double(jobs) / seconds))
    }
}
