import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
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
            var jobs: [JobView] = []
            for id in ids { jobs.append(try await client.waitForJob(id)) }
            #expect(jobs.allSatisfy { $0.status == .succeeded })
            #expect(jobs.compactMap(\.model?.version) == [1, 2, 3])
            // Each started only after the one before it had finished.
            for (earlier, later) in zip(jobs, jobs.dropFirst()) {
                let finished = try #require(earlier.finishedAt)
                let started = try #require(later.startedAt)
                #expect(started >= finished)
            }
        }
    }
}
