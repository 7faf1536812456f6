import Foundation
import Hummingbird
import HummingbirdTesting
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
            #expect(job["status"] as? String == "succeeded")
            let model = try #require(job["model"] as? [String: Any])
            #expect(model["name"] as? String == "small" && model["version"] as? Int == 1)
            #expect((job["progress"] as? [String: Any])?["fraction"] as? Double == 1)

            // A real test digit (a 7) is recognised, with 10 probabilities that sum to 1.
            let response = try await client.request(.post, "/predict", try examplePixels(7))
            #expect(response.status == .ok)
            let answer = try json(response)
            let prediction = try #require((answer["predictions"] as? [[String: Any]])?.first)
            #expect(prediction["label"] as? Int == 7)
            let probabilities = try #require(prediction["probabilities"] as? [Double])
            #expect(probabilities.count == 10)
            #expect(abs(probabilities.reduce(0, +) - 1) < 1e-4)
            #expect(probabilities.allSatisfy { $0 >= 0 && $0 <= 1 })

            // A batch, through the versioned route.
            let seven = try examplePixels(7).replacingOccurrences(of: #"{"pixels": "#, with: "").dropLast()
            let two = try examplePixels(2).replacingOccurrences(of: #"{"pixels": "#, with: "").dropLast()
            let batch = try json(try await client.request(
                .post, "/models/small/versions/1/predict", #"{"instances": [\#(seven), \#(two)]}"#))
            #expect((batch["predictions"] as? [[String: Any]])?.compactMap { $0["label"] as? Int } == [7, 2])

            // Metadata, metrics and curves of the version.
            let version = try json(try await client.request(.get, "/models/small/versions/latest"))
            #expect(version["classes"] as? [Int] == Array(0...9))
            let input = try #require(version["input"] as? [String: Any])
            #expect(input["shape"] as? [Int] == [-1, 784] && input["range"] as? [Int] == [0, 255])
            #expect((version["hyperparameters"] as? [String: Any])?["train_size"] as? Int == 3000)
            let metrics = try json(try await client.request(.get, "/models/small/versions/1/metrics"))
            let testMetrics = try #require(metrics["metrics"] as? [String: Any])
            #expect((testMetrics["accuracy"] as? Double ?? 0) > 0.8)
            #expect((testMetrics["confusion_matrix"] as? [[Int]])?.flatMap { $0 }.reduce(0, +) == 10000)
            let curves = try json(try await client.request(.get, "/models/small/versions/1/curves"))
            let points = try #require(curves["points"] as? [[String: Any]])
            #expect(points.count >= 2)
            #expect(points.last?["validation_accuracy"] as? Double != nil && points.last?["test_loss"] as? Double != nil)
            return probabilities
        }

        // A new process on the same database answers the same.
        let restarted = try await testApplication(configuration)
        try await restarted.test(.router) { client in
            let answer = try json(try await client.request(.post, "/predict", try examplePixels(7)))
            let prediction = try #require((answer["predictions"] as? [[String: Any]])?.first)
            #expect(prediction["probabilities"] as? [Double] == firstAnswer)
            let jobs = try #require(try json(try await client.request(.get, "/jobs"))["jobs"] as? [[String: Any]])
            #expect(jobs.count == 1 && jobs.first?["status"] as? String == "succeeded")
        }
    }

    @Test func aBinaryTaskAnswersWithTheDataSetsLabels() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let id = try await client.submit(
                #"{"task":{"type":"binary","positive":[7],"negative":[2]},"train_size":2000,"epochs":30}"#)
            let job = try await client.waitForJob(id)
            #expect(job["status"] as? String == "succeeded")
            let name = try #require((job["model"] as? [String: Any])?["name"] as? String)
            #expect(name == "mnist-7-vs-2")
            let version = try json(try await client.request(.get, "/models/\(name)/versions/1"))
            #expect(version["kind"] as? String == "logistic")
            #expect(version["classes"] as? [Int] == [2, 7])
            for digit in [7, 2] {
                let answer = try json(try await client.request(
                    .post, "/predict", try examplePixels(digit).dropLast() + #", "model": "\#(name)"}"#))
                let prediction = try #require((answer["predictions"] as? [[String: Any]])?.first)
                #expect(prediction["label"] as? Int == digit)
                #expect((prediction["probabilities"] as? [Double])?.count == 2)
            }
        }
    }

    @Test func cancellingStopsAJobAndASecondCancelConflicts() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            // Long enough that it is still running (or queued) when the cancel arrives.
            let id = try await client.submit(#"{"optimizer":"gd","epochs":1000}"#)
            let cancelled = try json(try await client.request(.post, "/jobs/\(id)/cancel"))
            #expect(cancelled["status"] as? String == "cancelled")
            let job = try await client.waitForJob(id)
            #expect(job["status"] as? String == "cancelled")
            let again = try await client.request(.post, "/jobs/\(id)/cancel")
            #expect(again.status == .conflict)
            #expect(try json(again)["code"] as? String == "JOB_FINISHED")
            #expect(try json(try await client.request(.get, "/models"))["models"] as? [Any] != nil)
            #expect((try json(try await client.request(.get, "/models"))["models"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func aJobLeftRunningByADeadProcessIsInterrupted() async throws {
        let configuration = testConfiguration()
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: configuration.databasePath).deletingLastPathComponent().path,
            withIntermediateDirectories: true)
        do {
            let store = try SQLiteModelStore(path: configuration.databasePath)
            try await store.insertJob(JobRecord(id: "dead", request: "{}", createdAt: Date(), epochs: 5))
            try await store.markStarted(jobId: "dead", at: Date())
        }
        let app = try await testApplication(configuration)
        try await app.test(.router) { client in
            let job = try json(try await client.request(.get, "/jobs/dead"))
            #expect(job["status"] as? String == "failed")
            #expect(job["error"] as? String == "interrupted")
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

