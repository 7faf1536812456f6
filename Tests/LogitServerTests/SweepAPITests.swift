import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitServer
import LogitStore
import Testing

/// `/sweeps`: one request trains a grid, scores it, stores every point as a version and aliases the best.
@Suite struct SweepAPITests {
    /// The issue's example, short enough for a test.
    static let pathSweep = """
        {"name": "bcw-path", "base": {"dataset": "breast-cancer-wisconsin", "model": "logistic",
         "regularization": {"type": "l1"}, "epochs": 300},
         "grid": {"regularization.lambda": [0.3, 0.1, 0.03, 0.01, 0.003]}, "cv_folds": 3, "metric": "log_loss",
         "promote": "best"}
        """

    func waitForSweep(_ client: some TestClientProtocol, _ id: String) async throws -> SweepView {
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            let sweep = try decode(SweepView.self, try await client.request(.get, "/sweeps/\(id)"))
            if sweep.status.isFinished || ContinuousClock.now > deadline { return sweep }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func aPathSweepRunsScoresStoresAndPromotesTheBest() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let response = try await client.request(.post, "/sweeps", Self.pathSweep)
            #expect(response.status == .accepted)
            let accepted = try decode(AcceptedSweepView.self, response).sweep
            #expect(response.headers[.location] == "/sweeps/\(accepted.id)")
            #expect(accepted.points.count == 5 && accepted.jobs.count == 1 && accepted.pathKey == "regularization.lambda")
            // The sweep's job is on the queue like any other, with its sweep's id.
            let jobs = try decode(JobListView.self, try await client.request(.get, "/jobs")).jobs
            #expect(jobs.map(\.id) == accepted.jobs && jobs.allSatisfy { $0.sweepId == accepted.id })

            let sweep = try await waitForSweep(client, accepted.id)
            #expect(sweep.status == .succeeded)
            #expect(sweep.progress.done == 5 && sweep.progress.fraction == 1)
            let results = sweep.points.compactMap(\.result)
            #expect(results.count == 5)
            #expect(results.allSatisfy { $0.cv?.folds.count == 3 && $0.test != nil && $0.validation != nil })
            #expect(Set(sweep.points.compactMap(\.model?.version)) == [1, 2, 3, 4, 5])
            let best = try #require(sweep.best)
            #expect(best.result?.score == results.map(\.score).min())
            // Sparsity falls as lambda falls.
            let byLambda = results.sorted { $0.lambda > $1.lambda }
            #expect(byLambda.first!.sparsity > byLambda.last!.sparsity)

            // The replica that ends the last path sets the alias just after the job's end is recorded.
            var promoted = try await client.request(.get, "/models/bcw-path/versions/best")
            for _ in 0..<100 where promoted.status != .ok {
                try await Task.sleep(for: .milliseconds(20))
                promoted = try await client.request(.get, "/models/bcw-path/versions/best")
            }
            #expect(try decode(VersionView.self, promoted).version == best.model?.version)

            let listed = try decode(SweepListView.self, try await client.request(.get, "/sweeps")).sweeps
            #expect(listed.map(\.id) == [accepted.id])

            // The events replay every point, then the sweep.
            let events = String(buffer: try await client.request(.get, "/sweeps/\(accepted.id)/events").body)
            #expect(events.components(separatedBy: "event: point\n").count - 1 == 5)
            #expect(events.contains("event: status\n"))

            let cancel = try await client.request(.post, "/sweeps/\(accepted.id)/cancel")
            #expect(cancel.status == .conflict)
        }
    }

    @Test func everyPointIsValidatedBeforeAnythingRuns() async throws {
        var configuration = testConfiguration()
        configuration.maxSweepPoints = 10
        let app = try await testApplication(configuration)
        try await app.test(.router) { client in
            let bad = """
                {"name": "bad", "base": {"dataset": "breast-cancer-wisconsin"},
                 "grid": {"regularization.lambda": [0.1, -1], "regularization.type": ["l2"]}}
                """
            let response = try await client.request(.post, "/sweeps", bad)
            #expect(response.status == .badRequest)
            let answer = try decode(ErrorAnswer.self, response)
            #expect(answer.code == "VALIDATION_FAILED")
            let detail = try #require(answer.details?.first)
            #expect(detail.field == "regularization.lambda")
            #expect(detail.message.contains("point 1") && detail.message.contains("regularization.lambda=-1"))

            let tooMany = #"{"name": "big", "grid": {"learning_rate": {"log_space": [1, 0.001, 11]}}}"#
            let refused = try await client.request(.post, "/sweeps", tooMany)
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("11 points"))

            let typo = #"{"name": "typo", "grid": {"learning_rat": [0.1]}}"#
            #expect(try await client.request(.post, "/sweeps", typo).status == .badRequest)
            let noFolds = #"{"name": "nf", "base": {"validation_fraction": 0}, "grid": {"learning_rate": [0.1]}}"#
            #expect(try await client.request(.post, "/sweeps", noFolds).status == .badRequest)

            // Nothing was stored or queued.
            #expect(try decode(SweepListView.self, try await client.request(.get, "/sweeps")).sweeps.isEmpty)
            #expect(try decode(JobListView.self, try await client.request(.get, "/jobs")).jobs.isEmpty)
            #expect(try await client.request(.get, "/sweeps/nope").status == .notFound)
        }
    }

    @Test func aGridOverOtherKeysMakesOnePathPerCombinationAndCancels() async throws {
        var configuration = testConfiguration()
        configuration.maxConcurrentJobs = 1
        let app = try await testApplication(configuration)
        try await app.test(.router) { client in
            let body = """
                {"name": "grid", "base": {"train_size": 3000, "epochs": 50},
                 "grid": {"regularization.lambda": {"log_space": [0.01, 0.0001, 3]}, "learning_rate": [1, 0.5]}}
                """
            let response = try await client.request(.post, "/sweeps", body)
            #expect(response.status == .accepted)
            let sweep = try decode(AcceptedSweepView.self, response).sweep
            #expect(sweep.points.count == 6 && sweep.jobs.count == 2)
            let cancelled = try decode(SweepView.self, try await client.request(.post, "/sweeps/\(sweep.id)/cancel"))
            #expect(cancelled.status == .cancelled)
            let jobs = try decode(JobListView.self, try await client.request(.get, "/jobs")).jobs
            #expect(jobs.allSatisfy { $0.status == .cancelled })
        }
    }
}
