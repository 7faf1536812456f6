import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitServer
import Testing

@Suite struct ModelsAPITests {
    @Test func aliasesDefaultModelAndDeletion() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            // No model yet: a clear 404, not a 500.
            let none = try await client.request(.post, "/predict", try examplePixels(7))
            #expect(none.status == .notFound)
            #expect(try decode(ErrorAnswer.self, none).code == "NO_MODEL")

            for _ in 0..<2 { _ = try await client.waitForJob(try await client.submit(smallJob)) }
            let model = try decode(ModelView.self, try await client.request(.get, "/models/small"))
            #expect(model.latestVersion == 2)
            #expect(model.versions?.count == 2)

            #expect(try await client.request(.put, "/models/small/aliases/production", #"{"version":1}"#).status == .ok)
            let aliased = try decode(VersionView.self, try await client.request(.get, "/models/small/versions/production"))
            #expect(aliased.version == 1 && aliased.aliases == ["production"])
            let viaAlias = try decode(PredictionsView.self, try await client.request(
                .post, "/predict", try examplePixels(7).dropLast() + #", "model": "small", "version": "production"}"#))
            #expect(viaAlias.model.version == 1)

            // The default model is the newest version until alias `default` says otherwise.
            func predictedVersion() async throws -> Int {
                try decode(PredictionsView.self, try await client.request(.post, "/predict", try examplePixels(7))).model.version
            }
            #expect(try await predictedVersion() == 2)
            #expect(try await client.request(.put, "/models/small/aliases/default", #"{"version":1}"#).status == .ok)
            #expect(try await predictedVersion() == 1)
            #expect(try await client.request(.delete, "/models/small/aliases/default").status == .noContent)
            #expect(try await predictedVersion() == 2)

            #expect(try await client.request(.delete, "/models/small/versions/2").status == .noContent)
            #expect(try await client.request(.get, "/models/small/versions/2").status == .notFound)
            #expect(try await predictedVersion() == 1)
            let list = try decode(ModelListView.self, try await client.request(.get, "/models"))
            #expect(list.models.first?.latestVersion == 1)
        }
    }
}
