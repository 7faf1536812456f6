import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitData
import LogitServer
import Logging
import NIOCore
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A configuration for one test: its own database file, the bundled data, no first-run training.
func testConfiguration(database: String? = nil, dataDirectory: String? = nil) -> AppConfiguration {
    var configuration = AppConfiguration()
    configuration.database = database ?? FileManager.default.temporaryDirectory
        .appendingPathComponent("logit-http-\(UUID().uuidString)/logit.sqlite").path
    configuration.dataDirectory = dataDirectory ?? repositoryRoot.appendingPathComponent("data").path
    configuration.publicDirectory = repositoryRoot.appendingPathComponent("public").path
    configuration.trainOnFirstRun = false
    configuration.port = 0
    configuration.logLevel = .warning
    return configuration
}

/// The bundled data sets, loaded once for the whole test process: unzipping MNIST again for every application a
/// test builds would take most of the suite's time.
let repositoryDatasets = DatasetRegistry(dataDirectory: repositoryRoot.appendingPathComponent("data").path)

/// `buildApplication` for tests: applications over the bundled data share `repositoryDatasets`.
func testApplication(_ configuration: AppConfiguration, logger: Logger? = nil,
                     metrics: ServiceMetrics = ServiceMetrics()) async throws -> some ApplicationProtocol {
    let shared = configuration.dataDirectory == repositoryDatasets.dataDirectory ? repositoryDatasets : nil
    return try await buildApplication(configuration, logger: logger, metrics: metrics, datasets: shared)
}

/// A small, fast job: 3000 training images, mini-batch SGD.
let smallJob = #"{"name":"small","train_size":3000,"optimizer":"sgd","batch_size":100,"epochs":2,"seed":7}"#

func examplePixels(_ digit: Int) throws -> String {
    try String(contentsOf: repositoryRoot.appendingPathComponent("examples/digit-\(digit).json"), encoding: .utf8)
}

/// An answer's body as the API type `T`, read with the API's decoder (`APIJSON`): a test reads the answer as a
/// client would, and a body that is not a `T` fails with the body in the message.
func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
    try decode(type, response.body)
}

func decode<T: Decodable>(_ type: T.Type, _ body: ByteBuffer) throws -> T {
    do {
        return try APIJSON.decoder.decode(T.self, from: Data(buffer: body))
    } catch {
        throw UndecodableAnswer(type: "\(T.self)", body: String(buffer: body), error: error)
    }
}

/// An answer's body as untyped JSON, for the few tests that check what is written rather than what it means.
func json(_ response: TestResponse) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body))
    return try #require(object as? [String: Any], "not a JSON object: \(String(buffer: response.body))")
}

extension TestClientProtocol {
    @discardableResult
    func request(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil) async throws -> TestResponse {
        try await execute(uri: uri, method: method, headers: [.contentType: "application/json"],
                          body: body.map { ByteBuffer(string: $0) }) { $0 }
    }

    /// Submits a training job and returns its id.
    func submit(_ body: String) async throws -> String {
        let response = try await request(.post, "/train", body)
        #expect(response.status == .accepted)
        let id = try decode(AcceptedJobView.self, response).job.id
        #expect(response.headers[.location] == "/jobs/\(id)")
        return id
    }

    /// Polls a job until it has finished, and returns it; after `timeout`, records an issue and returns the job as
    /// it then is.
    func waitForJob(_ id: String, timeout: Duration = .seconds(120)) async throws -> JobView {
        let deadline = ContinuousClock.now + timeout
        while true {
            let job = try decode(JobView.self, try await request(.get, "/jobs/\(id)"))
            if job.status.isFinished { return job }
            guard ContinuousClock.now < deadline else {
                Issue.record("job \(id) did not finish in \(timeout)")
                return job
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
