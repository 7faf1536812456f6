import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitCore
import LogitStore
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import LogitServing
import Testing
@testable import LogitServer

/// `PredictChannelHandler` answers a plain one-image `/predict` on the event loop, as the router would, and passes
/// every other request to the router exactly as it arrived, in order.
@Suite struct PredictChannelHandlerTests {
    /// A 2x2-pixel, three-class softmax model, loaded under the default name and under "tiny".
    static let predictor: Predictor = {
        let metadata = ModelVersionMetadata(
            name: "tiny", version: 3, kind: .softmax, classes: [.integer(0), .integer(1), .integer(2)],
            preprocessing: .unit(divisor: 255), featureCount: 4, imageShape: [2, 2], dataset: "test",
            hyperparameters: "{}", metrics: nil, trainingSeconds: 0, stopReason: "", epochsCompleted: 0, jobId: nil,
            createdAt: Date())
        let model = LinearModel(kind: .softmax, featureCount: 4,
                                weights: [1, -1, 0.5, 0, 0, 2, -1, 1, -0.5, 0, 1, -2], biases: [0.1, 0, -0.1])
        return Predictor(ModelVersion(metadata: metadata, model: .linear(model), curves: []))
    }()

    let metrics = ServiceMetrics()

    func channel(maxBodyBytes: Int = 1 << 20, corsEnabled: Bool = false) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        let configuration = PredictChannelHandler.Configuration(
            predictor: { name, version in name == nil || name == "tiny" ? Self.predictor : nil },
            metrics: metrics, maxBodyBytes: maxBodyBytes, serverName: "logit", corsEnabled: corsEnabled)
        try channel.pipeline.syncOperations.addHandler(PredictChannelHandler(configuration))
        return channel
    }

    static func head(_ method: HTTPRequest.Method = .post, _ path: String = "/predict",
                     _ fields: HTTPFields = [.contentType: "application/json"]) -> HTTPRequestPart {
        .head(HTTPRequest(method: method, scheme: "http", authority: "localhost", path: path, headerFields: fields))
    }

    static let simpleBody = #"{"pixels":[0,128,255,7]}"#

    func send(_ parts: [HTTPRequestPart], to channel: EmbeddedChannel) throws {
        for part in parts { try channel.writeInbound(part) }
    }

    func passed(_ channel: EmbeddedChannel) throws -> [HTTPRequestPart] {
        var parts: [HTTPRequestPart] = []
        while let part = try channel.readInbound(as: HTTPRequestPart.self) { parts.append(part) }
        return parts
    }

    func answers(_ channel: EmbeddedChannel) throws -> [HTTPResponsePart] {
        var parts: [HTTPResponsePart] = []
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) { parts.append(part) }
        return parts
    }

    @Test func answersAPlainOneImageRequestItselfAsTheRouterWould() throws {
        let channel = try channel()
        try send([Self.head(), .body(ByteBuffer(string: Self.simpleBody)), .end(nil)], to: channel)

        #expect(try passed(channel).isEmpty)
        let parts = try answers(channel)
        try #require(parts.count == 3)
        guard case .head(let head) = parts[0], case .body(let body) = parts[1], case .end(nil) = parts[2] else {
            Issue.record("not head, body, end: \(parts)")
            return
        }
        let expected = try PredictController.answerOne([0, 128, 255, 7], with: Self.predictor, metrics: ServiceMetrics())
        #expect(body == expected)
        #expect(head.status == .ok)
        #expect(head.headerFields[.contentType] == "application/json; charset=utf-8")
        #expect(head.headerFields[.contentLength] == String(expected.readableBytes))
        #expect(head.headerFields[.server] == "logit")
        #expect(head.headerFields[.date].map { $0.hasSuffix(" GMT") && $0.count == 29 } == true)
        let id = try #require(head.headerFields[HTTPField.Name("X-Request-Id")!])
        #expect(id.count == 33)

        let answer = try decode(PredictionsView.self, body)
        #expect(answer.model == ModelReference(name: "tiny", version: 3))
        let prediction = try #require(answer.predictions.first)
        let probabilities = prediction.probabilities
        #expect(probabilities.count == 3 && abs(probabilities.reduce(0, +) - 1) < 1e-5)
        let mostProbable = try #require(probabilities.indices.max { probabilities[$0] < probabilities[$1] })
        #expect(prediction.label == .integer(mostProbable))

        #expect(metrics.answeredOnEventLoop.load(ordering: .relaxed) == 1)
        let scraped = String(buffer: ByteBuffer(bytes: metrics.registry.emitToBuffer()))
        #expect(scraped.contains(#"logit_http_requests_total{method="POST",route="/predict",status="200"} 1"#))
        #expect(scraped.contains(#"logit_predictions_total{model="tiny",version="3"} 1"#))
    }

    @Test func keepsTheClientsRequestIdAndGathersABodySentInPieces() throws {
        let channel = try channel()
        let body = #"{"model":"tiny", "pixels":[0,128,255,7]}"#
        let cut = body.index(body.startIndex, offsetBy: 17)
        try send([Self.head(.post, "/predict", [.contentType: "application/json", .init("X-Request-Id")!: "abc-123"]),
                  .body(ByteBuffer(string: String(body[..<cut]))), .body(ByteBuffer(string: String(body[cut...]))),
                  .end(nil)], to: channel)
        #expect(try passed(channel).isEmpty)
        guard case .head(let head)? = try answers(channel).first else { Issue.record("no answer"); return }
        #expect(head.status == .ok)
        #expect(head.headerFields[HTTPField.Name("X-Request-Id")!] == "abc-123")
    }

    /// Each request the handler leaves to the router, which answers (or words the error of) every one of them.
    static let forTheRouter: [(String, [HTTPRequestPart])] = [
        ("another method", [head(.get, "/predict"), .end(nil)]),
        ("another route", [head(.post, "/models/tiny/versions/3/predict"), .body(ByteBuffer(string: simpleBody)), .end(nil)]),
        ("a query string", [head(.post, "/predict?x=1"), .body(ByteBuffer(string: simpleBody)), .end(nil)]),
        ("a batch", [head(), .body(ByteBuffer(string: #"{"instances":[[0,1,2,3]]}"#)), .end(nil)]),
        ("too few pixels", [head(), .body(ByteBuffer(string: #"{"pixels":[0,1,2]}"#)), .end(nil)]),
        ("a pixel above 255", [head(), .body(ByteBuffer(string: #"{"pixels":[0,1,2,256]}"#)), .end(nil)]),
        ("not JSON", [head(), .body(ByteBuffer(string: #"{"pixels":[0,1,2,3]"#)), .end(nil)]),
        ("no body", [head(), .end(nil)]),
        ("a model not loaded", [head(), .body(ByteBuffer(string: #"{"model":"other","pixels":[0,1,2,3]}"#)), .end(nil)]),
        ("an invalid model name", [head(), .body(ByteBuffer(string: #"{"model":"a b","pixels":[0,1,2,3]}"#)), .end(nil)]),
        ("Connection: close", [head(.post, "/predict", [.contentType: "application/json", .connection: "close"]),
                               .body(ByteBuffer(string: simpleBody)), .end(nil)]),
        ("Connection: keep-alive, Upgrade", [head(.post, "/predict", [.connection: "keep-alive, Upgrade"]),
                                             .body(ByteBuffer(string: simpleBody)), .end(nil)]),
        ("Expect: 100-continue", [head(.post, "/predict", [.contentType: "application/json", .expect: "100-continue"]),
                                  .body(ByteBuffer(string: simpleBody)), .end(nil)]),
        ("another media type", [head(.post, "/predict", [.contentType: "text/plain"]),
                                .body(ByteBuffer(string: simpleBody)), .end(nil)]),
        ("a declared length over the limit", [head(.post, "/predict", [.contentType: "application/json", .contentLength: "2000000"]),
                                              .body(ByteBuffer(string: simpleBody)), .end(nil)]),
    ]

    @Test(arguments: forTheRouter.indices)
    func passesEverythingElseToTheRouterAsItArrived(index: Int) throws {
        let (_, parts) = Self.forTheRouter[index]
        let channel = try channel()
        try send(parts, to: channel)
        #expect(try passed(channel) == parts, "\(Self.forTheRouter[index].0)")
        #expect(try answers(channel).isEmpty)
        #expect(metrics.answeredOnEventLoop.load(ordering: .relaxed) == 0)
    }

    @Test(arguments: [
        [.contentType: "Application/JSON; charset=UTF-8"], [.contentType: "application/json", .connection: "Keep-Alive"],
        [:], [.contentType: "application/json", .contentLength: "24"],
    ] as [HTTPFields])
    func answersWhateverTheCaseOfTheHeaderValues(fields: HTTPFields) throws {
        let channel = try channel()
        try send([Self.head(.post, "/predict", fields), .body(ByteBuffer(string: Self.simpleBody)), .end(nil)], to: channel)
        #expect(try passed(channel).isEmpty)
        #expect(try answers(channel).count == 3)
    }

    @Test func prefixesAreComparedIgnoringTheCaseOfLettersOnly() {
        #expect("Application/Json; charset=utf-8".hasPrefixIgnoringASCIICase("application/json"))
        #expect(!"application/jso".hasPrefixIgnoringASCIICase("application/json"))
        #expect(!"application\u{0F}json".hasPrefixIgnoringASCIICase("application/json"))
        #expect(!"text/plain".hasPrefixIgnoringASCIICase("application/json"))
        #expect("KEEP-ALIVE".hasPrefixIgnoringASCIICase("keep-alive"))
    }

    @Test func crossOriginRequestsGoToTheRouterWhenCORSIsOn() throws {
        let parts = [Self.head(.post, "/predict", [.contentType: "application/json", .origin: "https://example.org"]),
                     .body(ByteBuffer(string: Self.simpleBody)), .end(nil)]
        let withCORS = try channel(corsEnabled: true)
        try send(parts, to: withCORS)
        #expect(try passed(withCORS) == parts)
        let withoutCORS = try channel()
        try send(parts, to: withoutCORS)
        #expect(try passed(withoutCORS).isEmpty)
        #expect(try answers(withoutCORS).count == 3)
    }

    @Test func aBodyOverTheLimitGoesToTheRouterGatheredSoFarThenAsItArrives() throws {
        let channel = try channel(maxBodyBytes: 10)
        try send([Self.head(), .body(ByteBuffer(string: "{\"pixels\"")), .body(ByteBuffer(string: ":[1,2,")),
                  .body(ByteBuffer(string: "3,4]}")), .end(nil)], to: channel)
        #expect(try passed(channel) == [Self.head(), .body(ByteBuffer(string: "{\"pixels\":[1,2,")),
                                        .body(ByteBuffer(string: "3,4]}")), .end(nil)])
        #expect(try answers(channel).isEmpty)
    }

    @Test func answersKeepTheirOrderBehindARequestTheRouterHasNotAnsweredYet() throws {
        let channel = try channel()
        let predict: [HTTPRequestPart] = [Self.head(), .body(ByteBuffer(string: Self.simpleBody)), .end(nil)]
        // A pipelined GET /models, then a prediction: the router answers the first, so the second must wait for it.
        try send([Self.head(.get, "/models", [:]), .end(nil)] + predict, to: channel)
        #expect(try passed(channel) == [Self.head(.get, "/models", [:]), .end(nil)] + predict)
        #expect(try answers(channel).isEmpty)

        // The router's two answers go out through the handler; after them the handler answers again.
        for _ in 0..<2 {
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
        #expect(try answers(channel).count == 4)
        try send(predict, to: channel)
        #expect(try passed(channel).isEmpty)
        #expect(try answers(channel).count == 3)
        #expect(metrics.answeredOnEventLoop.load(ordering: .relaxed) == 1)
    }

    @Test func aRequestBeingGatheredAtShutdownGoesToTheRouterSoItIsAnswered() throws {
        let channel = try channel()
        try send([Self.head(), .body(ByteBuffer(string: Self.simpleBody))], to: channel)
        #expect(try passed(channel).isEmpty)
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try passed(channel) == [Self.head(), .body(ByteBuffer(string: Self.simpleBody)), .end(nil)])
        #expect(try answers(channel).isEmpty)
    }

    @Test func datesAreRFC9110sFormat() {
        var parts = tm()
        var seconds = time_t(784_111_777)
        gmtime_r(&seconds, &parts)
        #expect(HTTPDateCache.format(parts) == "Sun, 06 Nov 1994 08:49:37 GMT")
        seconds = 1_796_025_600  // 2026-11-30 08:00:00 UTC
        gmtime_r(&seconds, &parts)
        #expect(HTTPDateCache.format(parts) == "Mon, 30 Nov 2026 08:00:00 GMT")
    }

    /// Over a real connection: the first prediction loads the model through the router, the next is answered on
    /// the event loop, with the same answer; errors still come from the router.
    @Test func overALiveServerTheTwoPathsAnswerAlike() async throws {
        let metrics = ServiceMetrics()
        let app = try await testApplication(testConfiguration(), metrics: metrics)
        try await app.test(.live) { client in
            let job = try await client.waitForJob(try await client.submit(smallJob))
            #expect(job.status == .succeeded)
            let pixels = try examplePixels(7)
            let first = try await client.request(.post, "/predict", pixels)
            #expect(metrics.answeredOnEventLoop.load(ordering: .relaxed) == 0)
            // The job's new version empties the cache just after the job reads as succeeded, so the model the
            // first request loaded may be dropped once more: ask until the event loop answers.
            var second = try await client.request(.post, "/predict", pixels)
            var requests = 2
            while metrics.answeredOnEventLoop.load(ordering: .relaxed) == 0, requests < 10 {
                second = try await client.request(.post, "/predict", pixels)
                requests += 1
            }
            #expect(metrics.answeredOnEventLoop.load(ordering: .relaxed) == 1)
            #expect(first.status == .ok && second.status == .ok)
            #expect(first.body == second.body)
            #expect(Set(first.headers.map(\.name)) == Set(second.headers.map(\.name)))
            // Both answers are counted in the one series the router's path uses.
            let scraped = String(buffer: try await client.request(.get, "/metrics").body)
            #expect(scraped.contains(#"logit_http_requests_total{method="POST",route="/predict",status="200"} \#(requests)"#))

            let wrongSize = try await client.request(.post, "/predict", #"{"pixels":[1,2,3]}"#)
            #expect(wrongSize.status == .badRequest)
            #expect(try decode(ErrorAnswer.self, wrongSize).code == "WRONG_INPUT_SIZE")
            #expect(metrics.answeredOnEventLoop.load(ordering: .relaxed) == 1)
        }
    }

    @Test func atDebugLevelEveryRequestGoesThroughTheRouterToBeLogged() async throws {
        let metrics = ServiceMetrics()
        var configuration = testConfiguration()
        configuration.logLevel = .debug
        let app = try await testApplication(configuration, metrics: metrics)
        try await app.test(.live) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            for _ in 0..<3 { #expect(try await client.request(.post, "/predict", try examplePixels(7)).status == .ok) }
            #expect(metrics.answeredOnEventLoop.load(ordering: .relaxed) == 0)
        }
    }

    @Test func whenKeysGuardPredictionsEveryPredictionGoesThroughTheKeyCheck() async throws {
        let metrics = ServiceMetrics()
        var configuration = testConfiguration()
        configuration.apiKeys = ["the-key"]
        configuration.protectReads = true
        let app = try await testApplication(configuration, metrics: metrics)
        try await app.test(.live) { client in
            let key: HTTPFields = [.authorization: "Bearer the-key", .contentType: "application/json"]
            let submitted = try await client.execute(uri: "/train", method: .post, headers: key,
                                                     body: ByteBuffer(string: smallJob))
            let id = try decode(AcceptedJobView.self, submitted).job.id
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                let job = try decode(JobView.self, try await client.execute(uri: "/jobs/\(id)", method: .get, headers: key))
                if job.status == .succeeded { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let body = ByteBuffer(string: try examplePixels(7))
            // With the key the model loads into the cache; without it the answer must still be 401.
            #expect(try await client.execute(uri: "/predict", method: .post, headers: key, body: body).status == .ok)
            let anonymous = try await client.execute(uri: "/predict", method: .post,
                                                     headers: [.contentType: "application/json"], body: body)
            #expect(anonymous.status == .unauthorized)
            #expect(metrics.answeredOnEventLoop.load(ordering: .relaxed) == 0)
        }
    }
}
