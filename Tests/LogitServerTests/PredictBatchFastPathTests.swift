import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitCore
import LogitServing
import LogitStore
import NIOCore
import Testing
@testable import LogitServer

/// A `/predict` batch read by `InstancesBody` gets what JSONDecoder's path gives it: the same rows, and over HTTP the
/// same status and the same bytes, answers and errors alike.
@Suite struct PredictBatchFastPathTests {
    func parse(_ text: String) -> InstancesBody? {
        Array(text.utf8).withUnsafeBytes(InstancesBody.parse)
    }

    @Test(arguments: [
        #"{"instances":[[0,1,255]]}"#,
        #" { "instances" : [ [ 0 , 12 ,255 ] ,[1,2,3]] , "model" : "mnist-softmax", "version": 3 }  "#,
        "{\n\t\"version\": \"best\",\r\n\"instances\": [[7],[8],[9]], \"model\": \"m\"}",
        #"{"instances":[[999999999, 7]],"version":"latest"}"#,
        "{\"instances\":[\(Array(repeating: "[\(Array(repeating: "255", count: 784).joined(separator: ","))]", count: 3).joined(separator: ","))]}",
    ])
    func simpleBatchesReadAsJSONDecoderReadsThem(body: String) throws {
        let fast = try #require(parse(body))
        let reference = try JSONDecoder().decode(PredictRequest.self, from: Data(body.utf8))
        let rows = try #require(reference.instances)
        #expect(fast.rowCount == rows.count)
        #expect(fast.values == rows.flatMap { $0 })
        #expect(fast.model == reference.model)
        #expect(fast.version == reference.version)
    }

    /// Valid JSON the reader leaves to JSONDecoder (which accepts it or words the error), and invalid JSON.
    @Test(arguments: [
        #"{"instances":[]}"#, #"{"instances":[[]]}"#, #"{"instances":[[1],[]]}"#, #"{"instances":[[1],[1,2]]}"#,
        #"{"instances":[[1,2],[1]]}"#, #"{"instances":[[1.5]]}"#, #"{"instances":[[-1]]}"#, #"{"instances":[1,2]}"#,
        #"{"instances":[[[1]]]}"#, #"{"instances":[[1]],"pixels":[1]}"#, #"{"instances":[[1]],"instances":[[1]]}"#,
        #"{"instances":[[1]],}"#, #"{"instances":[[1]] x"#, #"{"instances":[[1],]}"#, #"{"instances":[[1]"#,
        #"{"instances":[[1234567890]]}"#, #"{"instances":null}"#, #"{"instances":[null]}"#, #"{"pixels":[1]}"#,
    ])
    func everythingElseTakesTheFullDecoder(body: String) {
        #expect(parse(body) == nil)
    }

    @Test func batchAnswersAreTheDocumentJSONEncoderWrites() throws {
        let classes: [ClassLabel] = [.integer(3), .name("rest \"and\" others")]
        let probabilities: [Float] = [0.25, 0.75, 1, 0, 1e-30, 0.99999994]
        let best = [1, 0, 1]
        let fast = best.withUnsafeBufferPointer { best in
            probabilities.withUnsafeBufferPointer {
                PredictionJSON.batch(model: "m", version: 2, classes: classes, best: best, probabilities: $0)
            }
        }
        let reference = try APICoding.encoder.encode(PredictionsView(
            model: ModelReference(name: "m", version: 2),
            predictions: best.enumerated().map { row, index in
                Prediction(label: classes[index], probabilities: Array(probabilities[row * 2..<row * 2 + 2]))
            }))
        #expect(String(buffer: fast) == String(decoding: reference, as: UTF8.self))
    }

    /// Each body the fast reader takes, against the same rows written so that only JSONDecoder takes them (a
    /// fraction on the first value): the same status, headers and bytes from both `/predict` routes.
    @Test func theRouterAnswersFastBatchesAsItAnswersDecodedOnes() async throws {
        var configuration = testConfiguration()
        configuration.maxBatchInstances = 4
        let app = try await testApplication(configuration)
        let digit = try examplePixels(7)
        let row = String(digit[digit.firstIndex(of: "[")!...digit.firstIndex(of: "]")!])
        let out = "[" + Array(repeating: "300", count: 784).joined(separator: ",") + "]"
        let bodies = [
            #"{"instances":[\#(row)]}"#,
            #"{"instances":[\#(row),\#(row),\#(row)],"model":"small"}"#,
            #"{"instances":[\#(row)],"model":"small","version":1}"#,
            #"{"instances":[\#(row),\#(out)]}"#,
            #"{"instances":[[1,2,3],[4,5,6]]}"#,
            #"{"instances":[\#(row),\#(row),\#(row),\#(row),\#(row)]}"#,
            #"{"instances":[\#(row)],"model":"unknown"}"#,
            #"{"instances":[\#(row)],"model":"no such model"}"#,
            #"{"instances":[\#(row)],"version":1}"#,
        ]
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            for body in bodies {
                #expect(parse(body) != nil, "\(body.prefix(50))")
                let slowBody = Self.withFirstValueAsFraction(body)
                #expect(parse(slowBody) == nil)
                for path in ["/predict", "/models/small/versions/1/predict"] {
                    if path != "/predict" && (body.contains(#""model""#) || body.contains(#""version""#)) { continue }
                    let fast = try await client.request(.post, path, body)
                    let slow = try await client.request(.post, path, slowBody)
                    #expect(fast.status == slow.status, "\(path) \(body.prefix(50))")
                    #expect(fast.headers[.contentType] == slow.headers[.contentType])
                    #expect(String(buffer: fast.body) == String(buffer: slow.body), "\(path) \(body.prefix(50))")
                }
            }
        }
    }

    /// `{"instances":[[7,` becomes `{"instances":[[7.0,`: the same numbers, which `InstancesBody` does not read.
    static func withFirstValueAsFraction(_ body: String) -> String {
        let start = body.range(of: #""instances":[["#)!.upperBound
        let end = body[start...].firstIndex { !$0.isNumber }!
        return String(body[..<end]) + ".0" + String(body[end...])
    }
}
