import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitServer
import Testing

/// Everything a client can get wrong is a 4xx with the API's JSON error body (`Error` in public/openapi.yaml), and
/// changes nothing.
@Suite struct BadRequestTests {
    static let badPredictions: [(body: String, status: Int, code: String)] = [
        (#"{"pixels": [1, 2, 3]}"#, 400, "WRONG_INPUT_SIZE"),
        // A number too long for the fast path's reader once stopped the process (Fuzz/, docs/reliability.md).
        (#"{"pixels": [99999999999999999999]}"#, 400, "WRONG_INPUT_SIZE"),
        (#"{"pixels": [\#(Array(repeating: "300", count: 784).joined(separator: ","))]}"#, 400, "VALUE_OUT_OF_RANGE"),
        (#"{"pixels": [\#(Array(repeating: "-1", count: 784).joined(separator: ","))]}"#, 400, "VALUE_OUT_OF_RANGE"),
        (#"{"pixels": [\#(Array(repeating: "1e999", count: 784).joined(separator: ","))]}"#, 400, "INVALID_JSON"),
        (#"{"pixels": "seven"}"#, 400, "INVALID_JSON"),
        (#"{"pixels": [null]}"#, 400, "INVALID_JSON"),
        (#"{"pixels": [1,2"#, 400, "INVALID_JSON"),
        ("[]", 400, "INVALID_JSON"),
        ("", 400, "EMPTY_BODY"),
        (#"{"instances": []}"#, 400, "EMPTY_BATCH"),
        (#"{}"#, 400, "NO_INPUT"),
        (#"{"pixels": [], "instances": [[]]}"#, 400, "AMBIGUOUS_INPUT"),
        (#"{"pixel": []}"#, 400, "UNKNOWN_FIELD"),
        (#"{"pixels": [], "model": "no such model"}"#, 400, "INVALID_NAME"),
        (#"{"pixels": [], "model": "unknown"}"#, 404, "MODEL_NOT_FOUND"),
        (#"{"pixels": [], "model": "small", "version": 99}"#, 404, "VERSION_NOT_FOUND"),
        (#"{"pixels": [], "version": 1}"#, 400, "VERSION_WITHOUT_MODEL"),
    ]

    @Test func badPredictionRequests() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            for (body, status, code) in Self.badPredictions {
                let response = try await client.request(.post, "/predict", body)
                #expect(Int(response.status.code) == status, "\(body.prefix(60))")
                let error = try decode(ErrorAnswer.self, response)
                #expect(error.code == code, "\(body.prefix(60)): \(error)")
                #expect(!error.message.isEmpty)
            }
            // Deep nesting is refused, not recursed into until the stack runs out.
            let deep = #"{"pixels":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
            #expect(try await client.request(.post, "/predict", deep).status == .badRequest)
            #expect(try await client.request(.get, "/healthz/live").status == .ok)
            let predictLimit = AppConfiguration().maxPredictBodyBytes
            let tooLarge = try await client.request(.post, "/predict", String(repeating: " ", count: predictLimit) + "{}")
            #expect(tooLarge.status == .contentTooLarge)
            let tooLargeToTrain = try await client.request(.post, "/train", String(repeating: " ", count: 2 << 20) + "{}")
            #expect(tooLargeToTrain.status == .contentTooLarge)
            let wrongType = try await client.execute(
                uri: "/predict", method: .post, headers: [.contentType: "text/plain"],
                body: ByteBuffer(string: try examplePixels(7))) { $0 }
            #expect(wrongType.status == .unsupportedMediaType)
        }
    }

    @Test func badTrainingRequestsChangeNothing() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let bodies: [(String, String)] = [
                (#"{"epochs": 0}"#, "VALIDATION_FAILED"),
                (#"{"epochs": "ten"}"#, "INVALID_JSON"),
                (#"{"learning_rate": -1}"#, "VALIDATION_FAILED"),
                (#"{"dataset": "cifar"}"#, "VALIDATION_FAILED"),
                (#"{"task": {"type": "binary", "positive": [2], "negative": [2]}}"#, "VALIDATION_FAILED"),
                (#"{"task": {"type": "binary", "positive": [11]}}"#, "VALIDATION_FAILED"),
                (#"{"task": {"type": "binary", "positive": [1], "extra": 1}}"#, "UNKNOWN_FIELD"),
                (#"{"model": "logistic"}"#, "VALIDATION_FAILED"),
                (#"{"optimizer": "sgd"}"#, "VALIDATION_FAILED"),
                (#"{"optimizer": "rmsprop"}"#, "VALIDATION_FAILED"),
                (#"{"regularization": {"type": "l2", "lambda": -1}}"#, "VALIDATION_FAILED"),
                (#"{"name": "has space"}"#, "VALIDATION_FAILED"),
                (#"{"validation_fraction": 0.9}"#, "VALIDATION_FAILED"),
                (#"{"epoch": 3}"#, "UNKNOWN_FIELD"),
                // Bodies of the kind Schemathesis generates (scripts/check_schemathesis.sh): out-of-range fractions
                // and a C so small that lambda = 1 / (C n) is not finite must be refused, not crash the process or
                // store a job that could only fail.
                (#"{"validation_fraction": 1.5, "regularization": {"type": "l2", "C": 1}}"#, "VALIDATION_FAILED"),
                (#"{"validation_fraction": -0.5, "regularization": {"type": "l2", "C": 1}}"#, "VALIDATION_FAILED"),
                (#"{"dataset": "breast-cancer-wisconsin", "test_fraction": 2, "regularization": {"type": "l2", "C": 1}}"#, "VALIDATION_FAILED"),
                (#"{"regularization": {"type": "l2", "C": 5e-324}, "train_size": 100, "epochs": 1}"#, "VALIDATION_FAILED"),
            ]
            for (body, code) in bodies {
                let response = try await client.request(.post, "/train", body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(try decode(ErrorAnswer.self, response).code == code, "\(body)")
            }
            let detail = try decode(ErrorAnswer.self, try await client.request(.post, "/train", #"{"epochs": 0}"#))
            #expect(detail.details?.first?.field == "epochs")
            #expect(try decode(JobListView.self, try await client.request(.get, "/jobs")).jobs.isEmpty)
        }
    }

    @Test func unknownThingsAre404s() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            for (method, uri, code) in [
                (HTTPRequest.Method.get, "/jobs/nope", "JOB_NOT_FOUND"),
                (.post, "/jobs/nope/cancel", "JOB_NOT_FOUND"),
                (.get, "/jobs/nope/events", "JOB_NOT_FOUND"),
                (.get, "/models/nope", "MODEL_NOT_FOUND"),
                (.get, "/models/nope/versions/1", "MODEL_NOT_FOUND"),
                (.delete, "/models/nope/versions/1", "MODEL_NOT_FOUND"),
                (.get, "/no/such/route", "NOT_FOUND"),
            ] {
                let response = try await client.request(method, uri)
                #expect(response.status == .notFound, "\(uri)")
                #expect(try decode(ErrorAnswer.self, response).code == code, "\(uri)")
            }
            #expect(try await client.request(.get, "/jobs?limit=abc").status == .badRequest)
            let badAlias = try await client.request(.put, "/models/x/aliases/latest", #"{"version":1}"#)
            #expect(badAlias.status == .badRequest)
        }
    }

    @Test func healthAndThePage() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            #expect(try await client.request(.get, "/healthz/live").status == .ok)
            #expect(try decode([String: String].self, try await client.request(.get, "/healthz/ready"))["status"] == "ready")
            let page = try await client.request(.get, "/")
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("<title>") && String(buffer: page.body).contains("Logit"))
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            let datasets = try decode(DatasetListView.self, try await client.request(.get, "/datasets")).datasets
            let mnist = try #require(datasets.first { $0.name == "mnist" })
            #expect(mnist.trainRows == 60000 && mnist.testRows == 10000)
            #expect(mnist.features == 784 && mnist.imageShape == [28, 28])
            #expect(mnist.classes == Array(0...9))
            let cancer = try #require(datasets.first { $0.name == "breast-cancer-wisconsin" })
            #expect(cancer.classes == [2, 4] && cancer.trainRows == 699)
        }
    }
}
