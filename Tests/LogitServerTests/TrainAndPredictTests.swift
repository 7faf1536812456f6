import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitCore
import LogitServer
import LogitStore
import Testing

@Suite struct TrainAndPredictTests {
    @Test func trainPollPredictAndRestart() async throws {
        let configuration = testConfiguration()
        let app = try await testApplication(configuration)
        let firstAnswer = try await app.test(.router) { client in
            let id = try await client.submit(smallJob)
            let job = try await client.waitForJob(id)
            #expect(job.status == .succeeded)
            #expect(job.model == ModelReference(name: "small", version: 1))
            #expect(job.progress.fraction == 1)

            // A real test digit (a 7) is recognised, with 10 probabilities that sum to 1.
            let response = try await client.request(.post, "/predict", try examplePixels(7))
            #expect(response.status == .ok)
            let prediction = try #require(try decode(PredictionsView.self, response).predictions.first)
            #expect(prediction.label == .integer(7))
            let probabilities = prediction.probabilities
            #expect(probabilities.count == 10)
            #expect(abs(probabilities.reduce(0, +) - 1) < 1e-4)
            #expect(probabilities.allSatisfy { $0 >= 0 && $0 <= 1 })

            // A batch, through the versioned route.
            let seven = try examplePixels(7).replacingOccurrences(of: #"{"pixels": "#, with: "").dropLast()
            let two = try examplePixels(2).replacingOccurrences(of: #"{"pixels": "#, with: "").dropLast()
            let batch = try decode(PredictionsView.self, try await client.request(
                .post, "/models/small/versions/1/predict", #"{"instances": [\#(seven), \#(two)]}"#))
            #expect(batch.predictions.map(\.label) == [.integer(7), .integer(2)])

            // Metadata, metrics and curves of the version.
            let version = try decode(VersionView.self, try await client.request(.get, "/models/small/versions/latest"))
            #expect(version.classes == (0...9).map(ClassLabel.integer))
            #expect(version.input.shape == [-1, 784] && version.input.range == [0, 255])
            #expect(version.hyperparameters?.trainSize == 3000)
            let metrics = try decode(MetricsView.self, try await client.request(.get, "/models/small/versions/1/metrics"))
            let testMetrics = try #require(metrics.metrics)
            #expect(testMetrics.accuracy > 0.8)
            #expect(testMetrics.confusionMatrix.flatMap { $0 }.reduce(0, +) == 10000)
            let curves = try decode(CurvesView.self, try await client.request(.get, "/models/small/versions/1/curves"))
            let points = curves.points
            #expect(points.count >= 2)
            #expect(points.last?.validationAccuracy != nil && points.last?.testLoss != nil)
            return probabilities
        }

        // A new process on the same database answers the same.
        let restarted = try await testApplication(configuration)
        try await restarted.test(.router) { client in
            let answer = try decode(PredictionsView.self, try await client.request(.post, "/predict", try examplePixels(7)))
            #expect(answer.predictions.first?.probabilities == firstAnswer)
            let jobs = try decode(JobListView.self, try await client.request(.get, "/jobs")).jobs
            #expect(jobs.count == 1 && jobs.first?.status == .succeeded)
        }
    }

    @Test func aBinaryTaskAnswersWithTheDataSetsLabels() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let id = try await client.submit(
                #"{"task":{"type":"binary","positive":[7],"negative":[2]},"train_size":2000,"epochs":30}"#)
            let job = try await client.waitForJob(id)
            #expect(job.status == .succeeded)
            let name = try #require(job.model?.name)
            #expect(name == "mnist-7-vs-2")
            let version = try decode(VersionView.self, try await client.request(.get, "/models/\(name)/versions/1"))
            #expect(version.kind == .logistic)
            #expect(version.classes == [.integer(2), .integer(7)])
            for digit in [7, 2] {
                let answer = try decode(PredictionsView.self, try await client.request(
                    .post, "/predict", try examplePixels(digit).dropLast() + #", "model": "\#(name)"}"#))
                let prediction = try #require(answer.predictions.first)
                #expect(prediction.label == .integer(digit))
                #expect(prediction.probabilities.count == 2)
            }
        }
    }

    @Test func cancellingStopsAJobAndASecondCancelConflicts() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            // Long enough that it is still running (or queued) when the cancel arrives.
            let id = try await client.submit(#"{"optimizer":"gd","epochs":1000}"#)
            let cancelled = try decode(JobView.self, try await client.request(.post, "/jobs/\(id)/cancel"))
            #expect(cancelled.status == .cancelled)
            let job = try await client.waitForJob(id)
            #expect(job.status == .cancelled)
            let again = try await client.request(.post, "/jobs/\(id)/cancel")
            #expect(again.status == .conflict)
            #expect(try decode(ErrorAnswer.self, again).code == "JOB_FINISHED")
            #expect(try decode(ModelListView.self, try await client.request(.get, "/models")).models.isEmpty)
        }
    }

    @Test func aJobLeftRunningByADeadProcessWithoutAttemptsLeftIsInterrupted() async throws {
        let configuration = testConfiguration()
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: configuration.database).deletingLastPathComponent().path,
            withIntermediateDirectories: true)
        do {
            let store = try SQLiteStore(path: configuration.database)
            var job = JobRecord(id: "dead", status: .running, request: "{}", createdAt: Date(), epochs: 5)
            job.replica = "gone"
            job.attempt = job.maxAttempts
            job.leaseExpiresAt = Date() - 1
            try await store.insertJob(job)
        }
        let app = try await testApplication(configuration)
        try await app.test(.router) { client in
            // The worker's first heartbeat, at start, rescues expired leases.
            var job = try decode(JobView.self, try await client.request(.get, "/jobs/dead"))
            for _ in 0..<500 where job.status == .running {
                try await Task.sleep(for: .milliseconds(20))
                job = try decode(JobView.self, try await client.request(.get, "/jobs/dead"))
            }
            #expect(job.status == .failed)
            #expect(job.error == "interrupted")
        }
    }

    @Test func curvesStreamAsServerSentEvents() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let id = try await client.submit(smallJob)
            let response = try await client.request(.get, "/jobs/\(id)/events")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            let text = String(buffer: response.body)
            let points = text.components(separatedBy: "event: point\n").count - 1
            #expect(points >= 2)
            #expect(text.contains("event: status\ndata: {"))
            #expect(text.contains(#""status":"succeeded""#))
        }
    }
}

