import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitServer
import Testing

@Suite struct InferenceProtocolTests {
    func pixels(_ digit: Int) throws -> [Int] {
        try #require(try JSONDecoder().decode([String: [Int]].self, from: Data(try examplePixels(digit).utf8))["pixels"])
    }

    @Test func v2InferAnswersTheRightLabels() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            #expect(try decode(InferenceServerMetadata.self, try await client.request(.get, "/v2")).name == "logit")
            #expect(try await client.request(.get, "/v2/health/live").status == .ok)
            #expect(try await client.request(.get, "/v2/health/ready").status == .ok)
            #expect(try await client.request(.get, "/v2/models/small/ready").status == .ok)
            #expect(try await client.request(.get, "/v2/models/small/versions/1/ready").status == .ok)
            let metadata = try decode(InferenceModelMetadata.self, try await client.request(.get, "/v2/models/small"))
            #expect(metadata.versions == ["1"])
            #expect(metadata.inputs.first?.shape == [-1, 784])

            let seven = try pixels(7), two = try pixels(2)
            let flat = #"{"id":"r1","inputs":[{"name":"pixels","shape":[2,784],"datatype":"FP32","data":\#(seven + two)}]}"#
            let answer = try decode(InferenceResponse.self, try await client.request(.post, "/v2/models/small/infer", flat))
            #expect(answer.modelName == "small" && answer.modelVersion == "1")
            #expect(answer.id == "r1")
            let labels = try #require(answer.outputs.first { $0.name == "label" })
            #expect(labels.datatype == "INT64" && labels.data == .integers([7, 2]))
            let probabilities = try #require(answer.outputs.first { $0.name == "probabilities" })
            #expect(probabilities.shape == [2, 10])
            if case .floats(let values) = probabilities.data {
                #expect(values.count == 20)
            } else {
                Issue.record("probabilities are not floats: \(probabilities.data)")
            }

            let nested = #"{"inputs":[{"name":"pixels","shape":[1,784],"datatype":"UINT8","data":[\#(seven)]}],"outputs":[{"name":"label"}]}"#
            let single = try decode(InferenceResponse.self,
                                    try await client.request(.post, "/v2/models/small/versions/1/infer", nested))
            #expect(single.outputs.count == 1)
            #expect(single.outputs.first?.data == .integers([7]))

            for (uri, body, status) in [
                ("/v2/models/small/infer", #"{"inputs":[{"name":"pixels","shape":[1,10],"datatype":"FP32","data":[1,2,3,4,5,6,7,8,9,10]}]}"#, 400),
                ("/v2/models/small/infer", #"{"inputs":[{"name":"pixels","shape":[2,784],"datatype":"FP32","data":\#(seven)}]}"#, 400),
                ("/v2/models/small/infer", #"{"inputs":[{"name":"pixels","shape":[1,784],"datatype":"BYTES","data":\#(seven)}]}"#, 400),
                ("/v2/models/small/infer", #"{"inputs":[]}"#, 400),
                ("/v2/models/small/infer", #"{"inputs":[{"name":"pixels","shape":[1,784],"datatype":"FP32","data":\#(seven)}],"outputs":[{"name":"logits"}]}"#, 400),
                ("/v2/models/nothing/infer", flat, 404),
                ("/v2/models/small/infer", #"{"inputs":[{"name":"x","shape":[9223372036854775807,784],"datatype":"FP32","data":[1]}]}"#, 413),
                ("/v2/models/small/versions/9/infer", flat, 404),
            ] {
                #expect(Int(try await client.request(.post, uri, body).status.code) == status, "\(body.prefix(90))")
            }
            // An unsupported datatype is named with every one that is accepted.
            let bytes = try decode(ErrorAnswer.self, try await client.request(
                .post, "/v2/models/small/infer", #"{"inputs":[{"name":"pixels","shape":[1,784],"datatype":"BYTES","data":\#(seven)}]}"#))
            #expect(bytes.code == "INVALID_DATATYPE")
            #expect(bytes.message.hasSuffix("send one of FP32, FP64, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64"),
                    "\(bytes.message)")
        }
    }
}
