import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitONNX
import LogitServer
import NIOCore
import Testing

/// `GET .../model.onnx`: a download of the version's ONNX model, FLOAT or UINT8 input, and JSON errors like the
/// other version routes. (The graph itself: Tests/LogitONNXTests; ONNX Runtime on it: scripts/check_onnx.py.)
@Suite struct ONNXExportAPITests {
    @Test func theVersionDownloadsAsAnONNXModel() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            for (query, elementType) in [("", Onnx_TensorProto.DataType.float), ("?input=float32", .float),
                                         ("?input=uint8", .uint8)] {
                let response = try await client.request(.get, "/models/small/versions/latest/model.onnx\(query)")
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/octet-stream")
                #expect(response.headers[.contentDisposition] == "attachment; filename=\"small-v1.onnx\"")
                let model = try Onnx_ModelProto(serializedBytes: Data(response.body.readableBytesView))
                #expect(model.opsetImport.first?.version == 13)
                #expect(model.graph.input.map(\.name) == ["pixels"])
                #expect(model.graph.input.first?.type.tensorType.elemType == Int32(elementType.rawValue))
                #expect(model.graph.output.map(\.name) == ["label", "probabilities"])
                let classes = model.graph.initializer.first { $0.name == "class_labels" }
                #expect(classes?.int64Data == Array(0...9))
                #expect(model.graph.initializer.first { $0.name == "W" }?.dims == [10, 784])
            }
        }
    }

    @Test func unknownInputTypesAndVersionsAreJSONErrors() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            let badType = try await client.request(.get, "/models/small/versions/1/model.onnx?input=int8")
            #expect(badType.status == .badRequest)
            #expect(try decode(ErrorAnswer.self, badType).code == "INVALID_INPUT_TYPE")
            let noVersion = try await client.request(.get, "/models/small/versions/9/model.onnx")
            #expect(noVersion.status == .notFound)
            #expect(noVersion.headers[.contentType] == "application/json; charset=utf-8")
            let noModel = try await client.request(.get, "/models/nothing/versions/1/model.onnx")
            #expect(noModel.status == .notFound)
        }
    }
}
