import Foundation
import Hummingbird
import HummingbirdTesting
import LogitServer
import Testing

@Suite struct ModelsAPITests {
    @Test func aliasesDefaultModelAndDeletion() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            // No model yet: a clear 404, not a 500.
            let none = try await client.request(.post, "/predict", try examplePixels(7))
            #expect(none.status == .notFound)
            #expect(try json(none)["code"] as? String == "NO_MODEL")

            for _ in 0..<2 { _ = try await client.waitForJob(try await client.submit(smallJob)) }
            let model = try json(try await client.request(.get, "/models/small"))
            #expect(model["latest_version"] as? Int == 2)
            #expect((model["versions"] as? [[String: Any]])?.count == 2)

            #expect(try await client.request(.put, "/models/small/aliases/production", #"{"version":1}"#).status == .ok)
            let aliased = try json(try await client.request(.get, "/models/small/versions/production"))
            #expect(aliased["version"] as? Int == 1 && aliased["aliases"] as? [String] == ["production"])
            let viaAlias = try json(try await client.request(
                .post, "/predict", try examplePixels(7).dropLast() + #", "model": "small", "version": "production"}"#))
            #expect((viaAlias["model"] as? [String: Any])?["version"] as? Int == 1)

            // The default model is the newest version until alias `default` says otherwise.
            var answer = try json(try await client.request(.post, "/predict", try examplePixels(7)))
            #expect((answer["model"] as? [String: Any])?["version"] as? Int == 2)
            #expect(try await client.request(.put, "/models/small/aliases/default", #"{"version":1}"#).status == .ok)
            answer = try json(try await client.request(.post, "/predict", try examplePixels(7)))
            #expect((answer["model"] as? [String: Any])?["version"] as? Int == 1)
            #expect(try await client.request(.delete, "/models/small/aliases/default").status == .noContent)
            answer = try json(try await client.request(.post, "/predict", try examplePixels(7)))
            #expect((answer["model"] as? [String: Any])?["version"] as? Int == 2)

            #expect(try await client.request(.delete, "/models/small/versions/2").status == .noContent)
            #expect(try await client.request(.get, "/models/small/versions/2").status == .notFound)
            answer = try json(try await client.request(.post, "/predict", try examplePixels(7)))
            #expect((answer["model"] as? [String: Any])?["version"] as? Int == 1)
            let list = try json(try await client.request(.get, "/models"))
            #expect((list["models"] as? [[String: Any]])?.first?["latest_version"] as? Int == 1)
        }
    }
}
