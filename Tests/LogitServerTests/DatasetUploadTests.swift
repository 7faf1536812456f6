import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitData
import LogitServer
import NIOCore
import Testing

@Suite struct DatasetUploadTests {
    /// Two well separated groups of 3 features, labels 0 and 1, with a header.
    static var csv: String {
        var generator = SystemRandomNumberGenerator()
        var lines = ["x1,x2,x3,label"]
        for row in 0..<200 {
            let label = row % 2
            let values = (0..<3).map { _ in Double(label * 4) + Double.random(in: -1...1, using: &generator) }
            lines.append(values.map { String(format: "%.3f", $0) }.joined(separator: ",") + ",\(label)")
        }
        return lines.joined(separator: "\n")
    }

    func upload(_ client: some TestClientProtocol, _ query: String, _ body: ByteBuffer) async throws -> TestResponse {
        try await client.execute(uri: "/datasets?\(query)", method: .post,
                                 headers: [.contentType: "application/octet-stream"], body: body) { $0 }
    }

    @Test func uploadACSVTrainOnItAndPredict() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logit-up-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let app = try await testApplication(testConfiguration(dataDirectory: directory))
        try await app.test(.router) { client in
            let created = try await upload(client, "name=groups&format=csv&label_column=3&header=true", ByteBuffer(string: Self.csv))
            #expect(created.status == .created)
            let view = try decode(DatasetView.self, created)
            #expect(view.trainRows == 200 && view.features == 3 && view.classes == [0, 1])

            let again = try await upload(client, "name=groups&format=csv&label_column=3&header=true", ByteBuffer(string: Self.csv))
            #expect(again.status == .conflict)
            for (query, body, code) in [
                ("name=bad&format=csv&label_column=3", "a,b\n1,x\n", "INVALID_DATASET"),
                ("name=bad&format=csv", "1,2\n", "MISSING_LABEL_COLUMN"),
                ("name=bad&format=xlsx", "1,2\n", "INVALID_FORMAT"),
                ("name=../etc&format=csv&label_column=0", "1,2\n", "INVALID_NAME"),
                ("name=bad&format=hdf5", "not hdf5", "INVALID_DATASET"),
                ("name=bad&format=csv&label_column=0", "", "EMPTY_BODY"),
                ("name=bad&format=csv&label_column=0", "1\n2\n1\n", "INVALID_DATASET"),
            ] {
                let response = try await upload(client, query, ByteBuffer(string: body))
                #expect(response.status == .badRequest, "\(query)")
                #expect(try decode(ErrorAnswer.self, response).code == code, "\(query)")
            }
            let notText = try await upload(client, "name=bad&format=csv&label_column=0", ByteBuffer(bytes: [0xFF, 0xFE, 0x31, 0x2C, 0x32, 0x0A]))
            #expect(notText.status == .badRequest)
            let listed = try decode(DatasetListView.self, try await client.request(.get, "/datasets")).datasets
            #expect(listed.map(\.name).filter { $0 != "fashion-mnist" } == ["groups"])

            let job = try await client.waitForJob(try await client.submit(#"{"dataset":"groups"}"#))
            #expect(job.status == .succeeded)
            let name = try #require(job.model?.name)
            let metrics = try decode(MetricsView.self, try await client.request(.get, "/models/\(name)/versions/1/metrics"))
            #expect((metrics.metrics?.accuracy ?? 0) > 0.95)
            let answer = try decode(PredictionsView.self,
                                    try await client.request(.post, "/predict", #"{"model":"\#(name)","pixels":[4.1,3.9,4.2]}"#))
            #expect(answer.predictions.first?.label == .integer(1))
        }
    }

    @Test func aDatasetUploadedThroughOneReplicaTrainsOnAnother() async throws {
        func emptyDirectory() throws -> String {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logit-up-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return directory
        }
        // Two services sharing one database, each with a data directory of its own, as replicas on two machines.
        let uploading = testConfiguration(dataDirectory: try emptyDirectory())
        let training = testConfiguration(database: uploading.database, dataDirectory: try emptyDirectory())
        try await testApplication(uploading).test(.router) { client in
            let created = try await upload(client, "name=groups&format=csv&label_column=3&header=true", ByteBuffer(string: Self.csv))
            #expect(created.status == .created)
        }
        try await testApplication(training).test(.router) { client in
            let listed = try decode(DatasetListView.self, try await client.request(.get, "/datasets")).datasets
            let groups = try #require(listed.first { $0.name == "groups" })
            #expect(groups.trainRows == 200 && groups.features == 3)
            let again = try await upload(client, "name=groups&format=csv&label_column=3&header=true", ByteBuffer(string: Self.csv))
            #expect(again.status == .conflict)
            let job = try await client.waitForJob(try await client.submit(#"{"dataset":"groups"}"#))
            #expect(job.status == .succeeded)
        }
    }

    @Test func uploadAnHDF5File() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logit-up-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/../logit-upload-\(UUID().uuidString).h5"
        try HDF5.write(path: file, datasets: [
            ("X", [4, 2], .floats([0, 0, 0, 1, 5, 5, 5, 6])), ("y", [4], .integers([3, 3, 8, 8])),
        ])
        let app = try await testApplication(testConfiguration(dataDirectory: directory))
        try await app.test(.router) { client in
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            let created = try await upload(client, "name=tiny&format=hdf5", ByteBuffer(bytes: bytes))
            #expect(created.status == .created)
            let view = try decode(DatasetView.self, created)
            #expect(view.classes == [3, 8])
            // Two classes: binary, the larger label positive (README.md, POST /datasets).
            #expect(view.defaultTask == .binary(positive: [8]))
        }
    }
}
