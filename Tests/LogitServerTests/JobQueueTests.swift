import Foundation
import Hummingbird
import HummingbirdTesting
import LogitServer
import LogitStore
import Testing

@Suite struct JobQueueTests {
    @Test func jobsBeyondTheConcurrencyLimitWaitTheirTurnInOrder() async throws {
        var configuration = testConfiguration()
        configuration.maxConcurrentJobs = 1
        let app = try await testApplication(configuration)
        try await app.test(.router) { client in
            let ids = [try await client.submit(smallJob), try await client.submit(smallJob), try await client.submit(smallJob)]
            var jobs: [[String: Any]] = []
            for id in ids { jobs.append(try await client.waitForJob(id)) }
            #expect(jobs.allSatisfy { $0["status"] as? String == "succeeded" })
            #expect(jobs.compactMap { ($0["model"] as? [String: Any])?["version"] as? Int } == [1, 2, 3])
            // Each started only after the one before it had finished.
            for (earlier, later) in zip(jobs, jobs.dropFirst()) {
                let finished = try #require(earlier["finished_at"] as? String)
                let started = try #require(later["started_at"] as? String)
                #expect(started >= finished)
            }
        }
    }
}
