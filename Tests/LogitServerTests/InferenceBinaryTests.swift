import CZlib
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitServer
import NIOCore
import Testing

/// The binary tensor data extension and the rest of what tritonclient sends: parameters of every JSON type, binary
/// inputs of every datatype, binary outputs, output selection, and 400s for broken framing.
@Suite struct InferenceBinaryTests {
    static let headerLength = HTTPField.Name("Inference-Header-Content-Length")!

    func pixels(_ digit: Int) throws -> [Int] {
        try #require(try JSONDecoder().decode([String: [Int]].self, from: Data(try examplePixels(digit).utf8))["pixels"])
    }

    /// A request framed as tritonclient frames it: the JSON, then `binary`, with the JSON's length in the header.
    func post(_ client: some TestClientProtocol, _ json: String, _ binary: [UInt8], uri: String = "/v2/models/small/infer",
              headerLength: String? = nil) async throws -> TestResponse {
        var body = ByteBuffer(string: json)
        body.writeBytes(binary)
        var headers: HTTPFields = [.contentType: "application/octet-stream"]
        headers[Self.headerLength] = headerLength ?? String(json.utf8.count)
        return try await client.execute(uri: uri, method: .post, headers: headers, body: body) { $0 }
    }

    /// The JSON header and the bytes after it of a binary answer.
    func split(_ response: TestResponse) throws -> (InferenceResponse, ByteBuffer) {
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        let length = try #require(response.headers[Self.headerLength].flatMap { Int($0) }, "no Inference-Header-Content-Length")
        #expect(response.headers[.contentType] == "application/octet-stream")
        var body = response.body
        let json = body.readSlice(length: length)
        let header = try decode(InferenceResponse.self, try #require(json))
        return (header, body)
    }

    static func bytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    }

    /// The pixels as `datatype`'s little-endian bytes, as numpy's `tobytes()` gives them.
    static func encode(_ pixels: [Int], as datatype: String) -> [UInt8] {
        switch datatype {
        case "FP32": bytes(pixels.map { Float($0).bitPattern })
        case "FP64": bytes(pixels.map { Double($0).bitPattern })
        case "UINT8": pixels.map { UInt8($0) }
        case "INT8": bytes(pixels.map { Int8(clamping: $0) })
        case "UINT16": bytes(pixels.map { UInt16($0) })
        case "INT16": bytes(pixels.map { Int16($0) })
        case "UINT32": bytes(pixels.map { UInt32($0) })
        case "INT32": bytes(pixels.map { Int32($0) })
        case "UINT64": bytes(pixels.map { UInt64($0) })
        default: bytes(pixels.map { Int64($0) })
        }
    }

    @Test func tritonclientsDefaultBinaryInAndOut() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            let server = try decode(InferenceServerMetadata.self, try await client.request(.get, "/v2"))
            #expect(server.extensions.contains("binary_tensor_data"))

            let seven = try pixels(7), two = try pixels(2)
            let data = Self.encode(seven + two, as: "FP32")
            // What tritonclient's infer(model, [input]) sends: no outputs, binary_data_output a JSON bool.
            let header = #"{"id":"b1","inputs":[{"name":"pixels","shape":[2,784],"datatype":"FP32","parameters":{"binary_data_size":\#(data.count)}}],"parameters":{"binary_data_output":true}}"#
            let (answer, binary) = try split(try await post(client, header, data))
            #expect(answer.id == "b1" && answer.modelName == "small")
            #expect(answer.outputs.map(\.name) == ["probabilities", "label"])
            #expect(answer.outputs.allSatisfy { $0.data == nil })
            let sizes: [InferenceParameter?] = answer.outputs.map { $0.parameters?["binary_data_size"] }
            #expect(sizes == [.integer(80), .integer(16)])
            #expect(binary.readableBytes == 80 + 16)
            var rest = binary
            let probabilities = (0..<20).map { _ in Float(bitPattern: rest.readInteger(endianness: .little, as: UInt32.self)!) }
            let labels = (0..<2).map { _ in rest.readInteger(endianness: .little, as: Int64.self)! }
            #expect(labels == [7, 2])
            #expect(abs(probabilities[0..<10].reduce(0, +) - 1) < 1e-4)
            #expect(probabilities[7] == probabilities[0..<10].max())

            // The same request as JSON gives the same numbers.
            let json = #"{"inputs":[{"name":"pixels","shape":[2,784],"datatype":"FP32","data":\#(seven + two)}]}"#
            let plain = try decode(InferenceResponse.self, try await client.request(.post, "/v2/models/small/infer", json))
            #expect(plain.outputs.first { $0.name == "probabilities" }?.data == .floats(probabilities))
        }
    }

    @Test func everyDatatypeBinaryAndJSON() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            let seven = try pixels(7)
            for datatype in ["FP32", "FP64", "UINT8", "UINT16", "UINT32", "UINT64", "INT16", "INT32", "INT64"] {
                let data = Self.encode(seven, as: datatype)
                let header = #"{"inputs":[{"name":"pixels","shape":[1,784],"datatype":"\#(datatype)","parameters":{"binary_data_size":\#(data.count)}}],"outputs":[{"name":"label","parameters":{"binary_data":false}}]}"#
                let response = try await post(client, header, data)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8", "\(datatype)")
                let answer = try decode(InferenceResponse.self, response)
                #expect(answer.outputs.count == 1 && answer.outputs.first?.data == .integers([7]), "\(datatype)")
                let json = #"{"inputs":[{"name":"pixels","shape":[1,784],"datatype":"\#(datatype)","data":\#(seven)}],"outputs":[{"name":"label"}]}"#
                let plain = try decode(InferenceResponse.self, try await client.request(.post, "/v2/models/small/infer", json))
                #expect(plain.outputs.first?.data == .integers([7]), "\(datatype)")
            }
            // INT8 holds no pixel above 127: the values are checked as pixels, so 0-127 answers and the label is a digit.
            let int8 = Self.encode(try pixels(7).map { $0 / 2 }, as: "INT8")
            let header = #"{"inputs":[{"name":"pixels","shape":[1,784],"datatype":"INT8","parameters":{"binary_data_size":784}}]}"#
            #expect(try await post(client, header, int8).status == .ok)
        }
    }

    @Test func parametersOfEveryJSONTypeAndOutputSelection() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            let seven = try pixels(7)
            let input = #"{"name":"pixels","shape":[1,784],"datatype":"UINT8","data":\#(seven),"parameters":{"note":"x","weight":0.5,"n":3,"flag":false}}"#
            // Unknown parameters of any JSON type are accepted, on the request, the input and the outputs.
            let mixed = #"{"inputs":[\#(input)],"parameters":{"priority":1,"timeout":2.5,"tag":"t","sequence_start":false},"outputs":[{"name":"label","parameters":{"binary_data":true,"x":1}},{"name":"probabilities","parameters":{"binary_data":false,"y":"z"}}]}"#
            let response = try await client.request(.post, "/v2/models/small/infer", mixed)
            let (answer, binary) = try split(response)
            #expect(answer.outputs.map(\.name) == ["label", "probabilities"])
            #expect(answer.outputs[0].data == nil)
            let labelSize: InferenceParameter? = answer.outputs[0].parameters?["binary_data_size"]
            #expect(labelSize == .integer(8))
            if case .floats(let values)? = answer.outputs[1].data { #expect(values.count == 10) } else { Issue.record("no JSON probabilities") }
            var rest = binary
            #expect(rest.readInteger(endianness: .little, as: Int64.self) == 7 && rest.readableBytes == 0)

            // binary_data_output applies to every output that does not say otherwise.
            let some = #"{"inputs":[\#(input)],"parameters":{"binary_data_output":true},"outputs":[{"name":"probabilities"}]}"#
            let (onlyProbabilities, bytes) = try split(try await client.request(.post, "/v2/models/small/infer", some))
            #expect(onlyProbabilities.outputs.map(\.name) == ["probabilities"] && bytes.readableBytes == 40)
            // false, or no parameter at all, answers JSON.
            let off = #"{"inputs":[\#(input)],"parameters":{"binary_data_output":false}}"#
            let jsonAnswer = try await client.request(.post, "/v2/models/small/infer", off)
            #expect(jsonAnswer.headers[Self.headerLength] == nil)
            #expect(try decode(InferenceResponse.self, jsonAnswer).outputs.map(\.name) == ["probabilities", "label"])
        }
    }

    @Test func brokenFramingAndParametersAre400s() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            let seven = Self.encode(try pixels(7), as: "UINT8")
            func header(_ size: String, datatype: String = "UINT8", extra: String = "") -> String {
                #"{"inputs":[{"name":"pixels","shape":[1,784],"datatype":"\#(datatype)","parameters":{"binary_data_size":\#(size)}\#(extra)}]}"#
            }
            let good = header("784")
            #expect(try await post(client, good, seven).status == .ok)
            let cases: [(String, String, [UInt8], String?)] = [
                ("header length beyond the body", good, seven, "\(good.utf8.count + 785)"),
                ("header length not a number", good, seven, "ten"),
                ("header length zero", good, seven, "0"),
                ("header length cuts the JSON", good, seven, "\(good.utf8.count - 3)"),
                ("size beyond the bytes", header("1000"), seven, nil),
                ("bytes left over", header("700"), seven, nil),
                ("negative size", header("-1"), seven, nil),
                ("fractional size", header("783.5"), seven, nil),
                ("size as a string", header(#""784""#), seven, nil),
                ("size wrong for the datatype", header("784", datatype: "FP32"), seven, nil),
                ("data and binary both", header("784", extra: #","data":[1]"#), seven, nil),
                ("binary bytes without a size", #"{"inputs":[{"name":"pixels","shape":[1,784],"datatype":"UINT8"}]}"#, seven, nil),
                ("FP16 is not supported", header("1568", datatype: "FP16"), seven + seven, nil),
                ("binary_data_output not a bool", #"{"inputs":[{"name":"pixels","shape":[1,784],"datatype":"UINT8","parameters":{"binary_data_size":784}}],"parameters":{"binary_data_output":"yes"}}"#, seven, nil),
                ("binary_data not a bool", #"{"inputs":[{"name":"pixels","shape":[1,784],"datatype":"UINT8","parameters":{"binary_data_size":784}}],"outputs":[{"name":"label","parameters":{"binary_data":1}}]}"#, seven, nil),
                ("classification", #"{"inputs":[{"name":"pixels","shape":[1,784],"datatype":"UINT8","parameters":{"binary_data_size":784}}],"outputs":[{"name":"label","parameters":{"classification":3}}]}"#, seven, nil),
                ("an output twice", #"{"inputs":[{"name":"pixels","shape":[1,784],"datatype":"UINT8","parameters":{"binary_data_size":784}}],"outputs":[{"name":"label"},{"name":"label"}]}"#, seven, nil),
                ("a parameter that is an object", #"{"inputs":[{"name":"pixels","shape":[1,784],"datatype":"UINT8","parameters":{"binary_data_size":784}}],"parameters":{"o":{}}}"#, seven, nil),
                ("a pixel above 255", header("3136", datatype: "INT32"), Self.encode([256] + Array(repeating: 0, count: 783), as: "INT32"), nil),
                ("a NaN", header("3136", datatype: "FP32"), Self.bytes([Float.nan.bitPattern] + Array(repeating: 0, count: 783)), nil),
            ]
            for (what, json, binary, length) in cases {
                let response = try await post(client, json, binary, headerLength: length)
                #expect(response.status == .badRequest, "\(what): \(response.status) \(String(buffer: response.body))")
                // The protocol's error shape: an object with an "error" string.
                let error = try decode(ErrorAnswer.self, response)
                #expect(!error.message.isEmpty, "\(what)")
            }
            // Without the header the whole body must be JSON.
            var body = ByteBuffer(string: good)
            body.writeBytes(seven)
            let unframed = try await client.execute(uri: "/v2/models/small/infer", method: .post,
                                                    headers: [.contentType: "application/octet-stream"], body: body) { $0 }
            #expect(unframed.status == .badRequest)
        }
    }

    /// `/v2` infer has its own limit, `max_infer_body_bytes`, sized for binary FP64 batches, not `/predict`'s.
    @Test func theInferLimitHoldsAFullBatchOfFP64() async throws {
        var configuration = testConfiguration()
        configuration.maxBatchInstances = 10
        configuration.maxPredictBodyBytes = 40_000
        configuration.maxInferBodyBytes = 10 * AppConfiguration.binaryImageRowBytes + AppConfiguration.inferHeaderBytes
        let (predictLimit, inferLimit) = (configuration.maxPredictBodyBytes, configuration.maxInferBodyBytes)
        let app = try await testApplication(configuration)
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            let sevens = Array(repeating: try pixels(7), count: 10).flatMap { $0 }
            let data = Self.encode(sevens, as: "FP64")
            #expect(data.count > predictLimit)
            let header = #"{"inputs":[{"name":"pixels","shape":[10,784],"datatype":"FP64","parameters":{"binary_data_size":\#(data.count)}}],"outputs":[{"name":"label","parameters":{"binary_data":false}}]}"#
            let answer = try decode(InferenceResponse.self, try await post(client, header, data))
            #expect(answer.outputs.first?.data == .integers(Array(repeating: 7, count: 10)))
            let padding = String(repeating: " ", count: inferLimit)
            #expect(try await post(client, padding + header, data).status == .contentTooLarge)
        }
    }

    /// `bytes` compressed as gzip (`gzip: true`) or as zlib data (what tritonclient sends for deflate).
    static func compress(_ bytes: [UInt8], gzip: Bool) -> [UInt8] {
        var stream = z_stream()
        _ = deflateInit2_(&stream, 6, Z_DEFLATED, gzip ? 15 + 16 : 15, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                          Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        let written = input.withUnsafeMutableBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                stream.next_in = input.baseAddress
                stream.avail_in = UInt32(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = UInt32(output.count)
                _ = deflate(&stream, Z_FINISH)
                return output.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<written])
    }

    /// tritonclient's `request_compression_algorithm` compresses the whole framed body; the header length is the
    /// JSON's, before compression.
    @Test func compressedRequestsAreInflatedWithinTheLimit() async throws {
        var configuration = testConfiguration()
        configuration.maxBatchInstances = 10
        configuration.maxPredictBodyBytes = 40_000
        configuration.maxInferBodyBytes = 10 * AppConfiguration.binaryImageRowBytes + AppConfiguration.inferHeaderBytes
        let inferLimit = configuration.maxInferBodyBytes
        let app = try await testApplication(configuration)
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            let data = Self.encode(try pixels(7) + pixels(2), as: "UINT8")
            let json = #"{"inputs":[{"name":"pixels","shape":[2,784],"datatype":"UINT8","parameters":{"binary_data_size":1568}}],"outputs":[{"name":"label","parameters":{"binary_data":false}}]}"#
            let framed = Array(json.utf8) + data
            func send(_ body: [UInt8], encoding: String) async throws -> TestResponse {
                var headers: HTTPFields = [.contentType: "application/octet-stream", .contentEncoding: encoding]
                headers[Self.headerLength] = String(json.utf8.count)
                return try await client.execute(uri: "/v2/models/small/infer", method: .post, headers: headers,
                                                body: ByteBuffer(bytes: body)) { $0 }
            }
            for (encoding, gzip) in [("gzip", true), ("deflate", false)] {
                let response = try await send(Self.compress(framed, gzip: gzip), encoding: encoding)
                let answer = try decode(InferenceResponse.self, response)
                #expect(answer.outputs.first?.data == .integers([7, 2]), "\(encoding)")
            }
            #expect(try await send(framed, encoding: "identity").status == .ok)
            // Cut short, or not compressed at all: 400. An unknown encoding: 415.
            let gzipped = Self.compress(framed, gzip: true)
            #expect(try await send(Array(gzipped.prefix(gzipped.count / 2)), encoding: "gzip").status == .badRequest)
            #expect(try await send(framed, encoding: "gzip").status == .badRequest)
            #expect(try await send(gzipped, encoding: "br").status == .unsupportedMediaType)
            // A small body that inflates beyond the limit is refused, not inflated to the end.
            let bomb = Self.compress(Array(json.utf8) + [UInt8](repeating: 0, count: inferLimit * 4), gzip: true)
            #expect(bomb.count < inferLimit)
            #expect(try await send(bomb, encoding: "gzip").status == .contentTooLarge)
        }
    }
}
