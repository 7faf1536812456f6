import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitCore
import LogitData
import LogitServer
import NIOCore
import Testing

@Suite struct ModelFileAPITests {
    @Test func exportThenImportAnswersTheSame() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            let exported = try await client.request(.get, "/models/small/versions/1/model.h5")
            #expect(exported.status == .ok)
            #expect(exported.headers[.contentType] == "application/x-hdf5")
            let bytes = ByteBuffer(buffer: exported.body)
            #expect(bytes.readableBytes > 31_000)  // 10 x 784 float32 weights at least

            let imported = try await client.execute(uri: "/models/import?name=copy", method: .post, body: bytes) { $0 }
            #expect(imported.status == .created)
            #expect(imported.headers[.location] == "/models/copy/versions/1")
            let version = try decode(VersionView.self, imported)
            #expect(version.classes == (0...9).map(ClassLabel.integer) && version.dataset == "imported")

            var answers: [[Float]] = []
            for name in ["small", "copy"] {
                let answer = try decode(PredictionsView.self, try await client.request(
                    .post, "/models/\(name)/versions/1/predict", try examplePixels(7)))
                answers.append(try #require(answer.predictions.first?.probabilities))
            }
            #expect(answers[0] == answers[1])

            let reexported = try await client.request(.get, "/models/copy/versions/1/model.h5")
            #expect(reexported.status == .ok)
        }
    }

    @Test func badModelFilesAre400s() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let nan = FileManager.default.temporaryDirectory.appendingPathComponent("logit-nan-\(UUID().uuidString).h5").path
            try HDF5.write(path: nan, datasets: [("w", [784], .floats([Float](repeating: .nan, count: 784))), ("b", [], .floats([0]))])
            let shapes = FileManager.default.temporaryDirectory.appendingPathComponent("logit-shape-\(UUID().uuidString).h5").path
            try HDF5.write(path: shapes, datasets: [("W", [10, 784], .floats([Float](repeating: 0, count: 7840))), ("b", [3], .floats([0, 0, 0]))])
            let bodies = [
                ByteBuffer(string: "definitely not HDF5"),
                ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: nan))),
                ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: shapes))),
            ]
            for body in bodies {
                let response = try await client.execute(uri: "/models/import?name=bad", method: .post, body: body) { $0 }
                #expect(response.status == .badRequest)
                #expect(try decode(ErrorAnswer.self, response).code == "INVALID_MODEL_FILE")
            }
            let noName = try await client.execute(uri: "/models/import", method: .post, body: bodies[0]) { $0 }
            #expect(noName.status == .badRequest)
            #expect(try decode(ModelListView.self, try await client.request(.get, "/models")).models.isEmpty)
            #expect(try await client.request(.get, "/models/none/versions/1/model.h5").status == .notFound)
        }
    }
}
