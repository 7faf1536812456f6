import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitServer
import LogitStore
import Testing

@Suite struct ReproducibilityTests {
    @Test func theSameRequestAndSeedGiveTheSameWeights() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            for body in [smallJob, smallJob, smallJob.replacingOccurrences(of: #""seed":7"#, with: #""seed":8"#)] {
                #expect(try await client.waitForJob(try await client.submit(body)).status == .succeeded)
            }
            var answers: [[Float]] = []
            for version in 1...3 {
                let answer = try decode(PredictionsView.self, try await client.request(
                    .post, "/models/small/versions/\(version)/predict", try examplePixels(2)))
                answers.append(try #require(answer.predictions.first?.probabilities))
            }
            #expect(answers[0] == answers[1])
            #expect(answers[0] != answers[2])
        }
    }
}
