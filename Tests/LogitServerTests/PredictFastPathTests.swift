import Foundation
import LogitAPI
import LogitCore
import LogitStore
import NIOCore
import LogitServing
import Testing
@testable import LogitServer

/// `/predict`'s fast path reads the same bodies as JSONDecoder and writes the same JSON as JSONEncoder.
@Suite struct PredictFastPathTests {
    func parse(_ text: String) -> PixelBody? {
        Array(text.utf8).withUnsafeBytes(PixelBody.parse)
    }

    func decoded(_ text: String) throws -> PredictRequest {
        try JSONDecoder().decode(PredictRequest.self, from: Data(text.utf8))
    }

    @Test(arguments: [
        #"{"pixels":[0,1,255]}"#,
        #" { "pixels" : [ 0 , 12 ,255 ] , "model" : "mnist-softmax", "version": 3 }  "#,
        "{\n\t\"version\": \"best\",\r\n\"pixels\": [], \"model\": \"m\"}",
        #"{"pixels":[999999999, 7],"version":"latest"}"#,
        "{\"model\":\"d\u{e9}j\u{e0}\",\"pixels\":[5]}",
        #"{"pixels":[ ]}"#, #"{"pixels":[3 ,4 ] }"#, "{\"pixels\":[\(Array(repeating: "255", count: 784).joined(separator: ","))]}",
    ])
    func simpleBodiesReadAsJSONDecoderReadsThem(body: String) throws {
        let fast = try #require(parse(body))
        let reference = try decoded(body)
        #expect(fast.pixels == reference.pixels)
        #expect(fast.model == reference.model)
        #expect(fast.version == reference.version)
    }

    /// Valid JSON the fast path leaves to JSONDecoder, and invalid JSON it must not accept.
    @Test(arguments: [
        #"{"pixels":[1.5]}"#, #"{"pixels":[1e2]}"#, #"{"pixels":[1E2]}"#, #"{"pixels":[-1]}"#, #"{"pixels":[01]}"#,
        #"{"pixels":[1234567890]}"#, #"{"pixels":[1,]}"#, #"{"pixels":[1 2]}"#, #"{"pixels":[[1]]}"#,
        #"{"pixels":null}"#, #"{"model":null,"pixels":[1]}"#, #"{"model":"a\"b","pixels":[1]}"#,
        #"{"model":"a\nb","pixels":[1]}"#, #"{"pixels":[1],"pixels":[2]}"#, #"{"pixels":[1],"extra":1}"#,
        #"{"instances":[[1]]}"#, #"{"pixels":[1]} x"#, #"{"pixels":[1]"#, #"{"pixels":[1],}"#, "", "{}", "[]",
        #"{"pixels":[1"#, #"{"pixels":["#, #"{"pixels":[1 "#, #"{"pixels":[,1]}"#, #"{"pixels":[1,,2]}"#,
        #"{"pixels":[NaN]}"#, #"{"pixels":[Infinity]}"#, #"{"version":1.5,"pixels":[1]}"#, #"{'pixels':[1]}"#,
    ])
    func everythingElseTakesTheFullDecoder(body: String) {
        #expect(parse(body) == nil)
    }

    /// Found by the predict-body fuzz target (Fuzz/; pixel-body then): a number of 20 or more digits overflowed
    /// while it was read, which stopped the process on a single request.
    @Test(arguments: [
        #"{"pixels":[99999999999999999999]}"#, #"{"pixels":[1,"# + String(repeating: "1", count: 80) + "]}",
        #"{"pixels":[1],"version":123456789012345678901234}"#, #"{"pixels":[0000000000000000000000001]}"#,
    ])
    func longNumbersAreLeftToTheFullDecoder(body: String) {
        #expect(parse(body) == nil)
    }

    @Test func invalidUTF8InANameIsLeftToTheFullDecoder() {
        let bytes = Array(#"{"model":""#.utf8) + [0xC3, 0x28] + Array(#"","pixels":[1]}"#.utf8)
        #expect(bytes.withUnsafeBytes(PixelBody.parse) == nil)
    }

    @Test(arguments: [
        [Float(0.25), 0.75], [1, 0, 0], [1e-30, 0.5, 0.49999997, 3.4028235e38], [Float.leastNonzeroMagnitude, 0.1],
    ])
    func answersAreTheDocumentJSONEncoderWrites(probabilities: [Float]) throws {
        for label in [ClassLabel.integer(7), .name("rest \"and\" \\ others\u{1}")] {
            let fast = probabilities.withUnsafeBufferPointer {
                PredictionJSON.single(model: "mnist-softmax", version: 12, label: label, probabilities: $0)
            }
            let reference = try APICoding.encoder.encode(PredictionsView(
                model: ModelReference(name: "mnist-softmax", version: 12),
                predictions: [Prediction(label: label, probabilities: probabilities)]))
            // The API's encoder sorts keys, as the fast path writes them: the same bytes.
            #expect(String(buffer: fast) == String(decoding: reference, as: UTF8.self))
            let parsedFast = try JSONSerialization.jsonObject(with: Data(String(buffer: fast).utf8)) as? NSDictionary
            let parsedReference = try JSONSerialization.jsonObject(with: reference) as? NSDictionary
            #expect(parsedFast != nil && parsedFast == parsedReference, "\(String(buffer: fast))")
            // And each probability is written exactly as JSONEncoder writes it.
            for probability in probabilities {
                let encoded = String(decoding: try APICoding.encoder.encode([probability]), as: UTF8.self)
                #expect(String(buffer: fast).contains(encoded.dropFirst().dropLast()))
            }
        }
    }
}
