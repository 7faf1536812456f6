import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitCore
import LogitServer
import Testing

@Suite struct ConcurrencyTests {
    /// Predictions, training, alias changes and version deletions at the same time: no error, and every answer
    /// comes from a complete model (ten probabilities that sum to 1, a label among the classes).
    @Test func everythingAtOnce() async throws {
        var configuration = testConfiguration()
        configuration.maxConcurrentJobs = 2
        let app = try await testApplication(configuration)
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            for _ in 0..<3 {
                _ = try await client.waitForJob(try await client.submit(smallJob.replacingOccurrences(of: #""small""#, with: #""churn""#)))
            }
            let deadline = ContinuousClock.now + .seconds(4)
            let seven = try examplePixels(7)
            let failures = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var problems: [String] = []
                        while ContinuousClock.now < deadline {
                            let uri = worker % 2 == 0 ? "/predict" : "/models/small/versions/latest/predict"
                            let response = try await client.request(.post, uri, seven)
                            guard response.status == .ok else {
                                problems.append("\(uri): \(response.status.code)")
                                continue
                            }
                            guard let prediction = (try? decode(PredictionsView.self, response))?.predictions.first else {
                                problems.append("not a prediction: \(String(buffer: response.body).prefix(200))")
                                continue
                            }
                            let probabilities = prediction.probabilities
                            let isDigit = (0...9).map(ClassLabel.integer).contains(prediction.label)
                            if probabilities.count != 10 || abs(probabilities.reduce(0, +) - 1) > 1e-4 || !isDigit {
                                problems.append("incomplete answer \(prediction)")
                            }
                        }
                        return problems
                    }
                }
                group.addTask {
                    var problems: [String] = []
                    let ids = [try await client.submit(smallJob), try await client.submit(smallJob)]
                    for id in ids where try await client.waitForJob(id).status != .succeeded {
                        problems.append("job \(id) did not succeed")
                    }
                    return problems
                }
                group.addTask {
                    var problems: [String] = []
                    while ContinuousClock.now < deadline {
                        let set = try await client.request(.put, "/models/small/aliases/default", #"{"version":1}"#)
                        if set.status != .ok { problems.append("alias: \(set.status.code)") }
                        let cleared = try await client.request(.delete, "/models/small/aliases/default")
                        if cleared.status != .noContent { problems.append("alias delete: \(cleared.status.code)") }
                    }
                    return problems
                }
                group.addTask {
                    var problems: [String] = []
                    for version in 1...3 {
                        let deleted = try await client.request(.delete, "/models/churn/versions/\(version)")
                        if deleted.status != .noContent { problems.append("delete \(version): \(deleted.status.code)") }
                        try await Task.sleep(for: .milliseconds(300))
                    }
                    return problems
                }
                var all: [String] = []
                for try await problems in group { all += problems }
                return all
            }
            #expect(failures.isEmpty, "\(failures.prefix(5))")
            let jobs = try decode(JobListView.self, try await client.request(.get, "/jobs")).jobs
            #expect(jobs.allSatisfy { $0.status == .succeeded })
        }
    }
}
