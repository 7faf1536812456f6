import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import LogitAPI
@testable import LogitServer
import NIOCore
import Testing

@Suite struct HardeningTests {
    @Test func metricsMoveWithRequestsJobsAndPredictions() async throws {
        let metrics = ServiceMetrics()
        let app = try await testApplication(testConfiguration(), metrics: metrics)
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            for _ in 0..<3 { _ = try await client.request(.post, "/predict", try examplePixels(7)) }
            _ = try await client.request(.post, "/predict", #"{"pixels":[1]}"#)
            _ = try await client.request(.get, "/models/small/versions/1")
            _ = try await client.request(.get, "/v2")
            let text = String(buffer: try await client.request(.get, "/metrics").body)
            #expect(text.contains(#"logit_http_requests_total{method="POST",route="/predict",status="200"} 3"#))
            #expect(text.contains(#"logit_http_requests_total{method="POST",route="/predict",status="400"} 1"#))
            // Routes are labelled by their path as the router names it, prefix and captures included.
            #expect(text.contains(
                #"logit_http_requests_total{method="GET",route="/models/{name}/versions/{version}",status="200"} 1"#))
            #expect(text.contains(#"logit_http_requests_total{method="GET",route="/v2",status="200"} 1"#))
            #expect(text.contains(#"logit_predictions_total{model="small",version="1"} 3"#))
            #expect(text.contains(#"logit_jobs{state="succeeded"} 1"#))
            #expect(text.contains("logit_job_queue_depth 0"))
            #expect(text.contains("logit_http_request_duration_seconds_bucket"))
            #expect(text.contains("logit_training_samples_per_second"))
        }
    }

    @Test func everyAnswerCarriesARequestId() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            // Generated ids: 16 hex digits of the run, a dash, 16 of a counter; never the same twice.
            var generated: [String] = []
            for _ in 0..<20 {
                let answer = try await client.request(.get, "/healthz/live")
                generated.append(try #require(answer.headers[.init("X-Request-Id")!]))
            }
            #expect(Set(generated).count == generated.count)
            let hex = Set("0123456789abcdef")
            for id in generated {
                #expect(id.count == 33 && id.split(separator: "-").map(\.count) == [16, 16], "\(id)")
                #expect(id.filter { $0 != "-" }.allSatisfy(hex.contains), "\(id)")
                #expect(id.prefix(16) == generated[0].prefix(16))
            }
            let echoed = try await client.execute(uri: "/nope", method: .get, headers: [.init("X-Request-Id")!: "abc-123"]) { $0 }
            #expect(echoed.status == .notFound && echoed.headers[.init("X-Request-Id")!] == "abc-123")
        }
    }

    /// JSON answers write their keys in sorted order, so the same answer is the same bytes every time.
    @Test func answersWriteTheirKeysInSortedOrder() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let defaults = String(buffer: try await client.request(.get, "/train/defaults").body)
            #expect(defaults == String(buffer: try await client.request(.get, "/train/defaults").body))
            let keys = ["activation", "batch_size", "dataset", "early_stopping", "epochs", "eval_every", "hidden"]
            let positions = keys.map { defaults.range(of: "\"\($0)\":")?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil } && positions.map { $0! } == positions.map { $0! }.sorted(), "\(defaults)")
            let error = String(buffer: try await client.request(.get, "/models/nobody").body)
            #expect(error.hasPrefix(#"{"code":"#), "\(error)")
        }
    }

    /// A client's id is kept only when it is 1-128 printable ASCII characters; anything else gets a new id.
    @Test func onlySaneClientRequestIdsAreKept() {
        for sane in ["abc-123", "x", String(repeating: "a", count: 128), "~!{}"] {
            #expect(RequestIds.id(sentByClient: sane) == sane)
        }
        for insane in ["", "a b", "tab\there", "bell\u{07}", "del\u{7F}", "caf\u{E9}", String(repeating: "a", count: 129)] {
            let id = RequestIds.id(sentByClient: insane)
            #expect(id != insane && id.count == 33, "\(insane.debugDescription) -> \(id)")
        }
    }

    /// At debug level every request is logged, tagged with the id its answer carries.
    @Test func debugLogLinesCarryTheRequestId() async throws {
        let records = LogRecords()
        var logger = Logger(label: "test") { _ in RecordingLogHandler(records: records) }
        logger.logLevel = .debug
        var configuration = testConfiguration()
        configuration.logLevel = .debug
        let app = try await testApplication(configuration, logger: logger)
        try await app.test(.router) { client in
            _ = try await client.execute(uri: "/healthz/live", method: .get, headers: [.init("X-Request-Id")!: "trace-42"]) { $0 }
            let generated = try await client.request(.get, "/healthz/live")
            let id = try #require(generated.headers[.init("X-Request-Id")!])
            let tagged = records.all.compactMap { $0["request_id"].map { "\($0)" } }
            #expect(tagged.contains("trace-42"))
            #expect(tagged.contains(id))
        }
    }

    @Test func apiKeysGuardChangesButNotPredictions() async throws {
        var configuration = testConfiguration()
        configuration.apiKeys = ["first-key", "second-key"]
        let app = try await testApplication(configuration)
        try await app.test(.router) { client in
            let anonymous = try await client.request(.post, "/train", smallJob)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            #expect(try decode(ErrorAnswer.self, anonymous).code == "UNAUTHORIZED")
            let wrong = try await client.execute(uri: "/train", method: .post, headers: [.authorization: "Bearer first-ke"],
                                                 body: ByteBuffer(string: smallJob)) { $0 }
            #expect(wrong.status == .unauthorized)
            let right = try await client.execute(uri: "/train", method: .post, headers: [.authorization: "Bearer second-key"],
                                                 body: ByteBuffer(string: smallJob)) { $0 }
            #expect(right.status == .accepted)
            let id = try decode(AcceptedJobView.self, right).job.id
            _ = try await client.waitForJob(id)
            #expect(try await client.request(.get, "/models").status == .ok)
            #expect(try await client.request(.post, "/predict", try examplePixels(7)).status == .ok)
            #expect(try await client.request(.delete, "/models/small/versions/1").status == .unauthorized)
            #expect(try await client.request(.put, "/models/small/aliases/x", #"{"version":1}"#).status == .unauthorized)
            #expect(try await client.request(.post, "/jobs/\(id)/cancel").status == .unauthorized)
        }
        configuration.protectReads = true
        let strict = try await testApplication(configuration)
        try await strict.test(.router) { client async throws in
            #expect(try await client.request(.get, "/models").status == .unauthorized)
            #expect(try await client.request(.post, "/predict", try examplePixels(7)).status == .unauthorized)
        }
    }

    @Test func corsAnswersOnlyTheAllowedOrigins() async throws {
        var configuration = testConfiguration()
        configuration.corsAllowedOrigins = ["https://app.example"]
        let app = try await testApplication(configuration)
        try await app.test(.router) { client in
            let allowed = try await client.execute(uri: "/healthz/live", method: .get, headers: [.origin: "https://app.example"]) { $0 }
            #expect(allowed.headers[.accessControlAllowOrigin] == "https://app.example")
            let preflight = try await client.execute(
                uri: "/predict", method: .options,
                headers: [.origin: "https://app.example", .accessControlRequestMethod: "POST"]) { $0 }
            #expect(preflight.status == .noContent && preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
            let other = try await client.execute(uri: "/healthz/live", method: .get, headers: [.origin: "https://evil.example"]) { $0 }
            #expect(other.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test func aFullQueueAnswers429AndTooMuchWorkIsRefused() async throws {
        var configuration = testConfiguration()
        configuration.maxQueuedJobs = 1
        configuration.maxWorkPerJob = 3_000_000
        let app = try await testApplication(configuration)
        try await app.test(.router) { client in
            let tooMuch = try await client.request(.post, "/train", #"{"epochs":100}"#)
            #expect(tooMuch.status == .badRequest)
            let long = #"{"optimizer":"gd","epochs":50}"#
            let running = try await client.submit(long)
            var statuses: [Int] = []
            var ids: [String] = []
            for _ in 0..<3 {
                let response = try await client.request(.post, "/train", long)
                statuses.append(Int(response.status.code))
                if response.status == .tooManyRequests {
                    #expect(response.headers[.retryAfter] == "5")
                    #expect(try decode(ErrorAnswer.self, response).code == "QUEUE_FULL")
                } else {
                    ids.append(try decode(AcceptedJobView.self, response).job.id)
                }
            }
            // One job may wait; the ones beyond are refused (the first may already have left the queue to run).
            #expect(statuses.contains(429))
            for id in [running] + ids { _ = try await client.request(.post, "/jobs/\(id)/cancel") }
        }
    }

    @Test func staticFilesNeverEscapePublic() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            for uri in ["/../Package.swift", "/%2e%2e/Package.swift", "/..%2fPackage.swift", "/%2e%2e%2f%2e%2e%2fetc/passwd",
                        "/public/../Package.swift"] {
                let response = try await client.request(.get, uri)
                #expect(response.status.code >= 400 && response.status.code < 500, "\(uri)")
                #expect(!String(buffer: response.body).contains("PackageDescription"), "\(uri)")
            }
        }
    }
}

/// Log metadata of every record, for tests that read what the service logged.
final class LogRecords: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [Logger.Metadata] = []
    func append(_ metadata: Logger.Metadata) { lock.withLock { records.append(metadata) } }
    var all: [Logger.Metadata] { lock.withLock { records } }
}

struct RecordingLogHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        records.append(metadata.merging(event.metadata ?? [:]) { _, new in new })
    }
}
