import Foundation
import Hummingbird
import HummingbirdTesting
import LogitServer
import Testing

@Suite struct InferenceProtocolTests {
    func pixels(_ digit: Int) throws -> [Int] {
        let object = try JSONSerialization.jsonObject(with: Data(try examplePixels(digit).utf8)) as? [String: Any]
        return try #require(object?["pixels"] as? [Int])
    }

    @Test func v2InferAnswersTheRightLabels() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            #expect(try json(try await client.request(.get, "/v2"))["name"] as? String == "logit")
            #expect(try await client.request(.get, "/v2/health/live").status == .ok)
            #expect(try await client.request(.get, "/v2/health/ready").status == .ok)
            #expect(try await client.request(.get, "/v2/models/small/ready").status == .ok)
            #expect(try await client.request(.get, "/v2/models/small/versions/1/ready").status == .ok)
            let metadata = try json(try await client.request(.get, "/v2/models/small"))
            #expect(metadata["versions"] as? [String] == ["1"])
            #expect(((metadata["inputs"] as? [[String: Any]])?.first?["shape"] as? [Int]) == [-1, 784])

            let seven = try pixels(7), two = try pixels(2)
            let flat = #"{"id":"r1","inputs":[{"name":"pixels","shape":[2,784],"datatype":"FP32","data":\#(seven + two)}]}"#
            let answer = try json(try await client.request(.post, "/v2/models/small/infer", flat))
            #expect(answer["model_name"] as? String == "small" && answer["model_version"] as? String == "1")
            #expect(answer["id"] as? String == "r1")
            let outputs = try #require(answer["outputs"] as? [[String: Any]])
            let labels = try #require(outputs.first { $0["name"] as? String == "label" })
            #expect(labels["datatype"] as? String == "INT64" && labels["data"] as? [Int] == [7, 2])
            let probabilities = try #require(outputs.first { $0["name"] as? String == "probabilities" })
            #expect(probabilities["shape"] as? [Int] == [2, 10] && (probabilities["data"] as? [Double])?.count == 20)

            let nested = #"{"inputs":[{"name":"pixels","shape":[1,784],"datatype":"UINT8","data":[\#(seven)]}],"outputs":[{"name":"label"}]}"#
            let single = try json(try await client.request(.post, "/v2/models/small/versions/1/infer", nested))
            #expect((single["outputs"] as? [[String: Any]])?.count == 1)
            #expect(((single["outputs"] as? [[String: Any]])?.first?["data"] as? [Int]) == [7])

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
        }
    }
}
