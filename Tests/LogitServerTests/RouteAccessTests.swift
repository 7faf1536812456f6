import Hummingbird
import HTTPTypes
import Logging
import Testing
@testable import LogitServer

/// API keys guard routes by an explicit table, not by how a path ends.
@Suite struct RouteAccessTests {
    @Test func everyRouteOfTheRouterIsClassed() async throws {
        let services = try await makeServices(testConfiguration(), logger: Logger(label: "test"), metrics: ServiceMetrics())
        let routes = Set(buildRouter(services).routes.map { "\($0.method.rawValue) \($0.path.description)" })
        #expect(routes.subtracting(RouteAccess.routes.keys).sorted() == [], "routes missing from RouteAccess.routes")
        #expect(Set(RouteAccess.routes.keys).subtracting(routes).sorted() == [], "RouteAccess lists routes that do not exist")
    }

    @Test func predictionsAreTheOnlyOpenPosts() {
        let posts = RouteAccess.routes.filter { $0.key.hasPrefix("POST ") }
        #expect(posts.filter { $0.value == .predict }.keys.sorted() == [
            "POST /models/{name}/versions/{version}/predict", "POST /predict",
            "POST /v2/models/{name}/infer", "POST /v2/models/{name}/versions/{version}/infer",
        ])
        #expect(RouteAccess.routes.filter { !$0.key.hasPrefix("GET ") && $0.value == .read }.isEmpty)
        #expect(RouteAccess.routes.filter { $0.key.hasPrefix("GET ") && $0.value != .read }.isEmpty)
    }

    @Test func aRequestThatMatchedNoRouteReadsOnlyWithAReadingMethod() {
        #expect(RouteAccess.of(method: .get, endpointPath: nil) == .read)
        #expect(RouteAccess.of(method: .options, endpointPath: nil) == .read)
        #expect(RouteAccess.of(method: .post, endpointPath: nil) == .change)
        // A path merely ending in /predict is not a prediction route.
        #expect(RouteAccess.of(method: .post, endpointPath: "/models/{name}/predict") == .change)
    }

    @Test func keysAreComparedOverTheirWholeLength() {
        let key = Array("secret".utf8)
        #expect(APIKeyMiddleware<BasicRequestContext>.constantTimeEqual(key, key))
        #expect(!APIKeyMiddleware<BasicRequestContext>.constantTimeEqual(key, key + [UInt8](repeating: 0, count: 256)))
        #expect(!APIKeyMiddleware<BasicRequestContext>.constantTimeEqual(key, Array("secreT".utf8)))
        #expect(!APIKeyMiddleware<BasicRequestContext>.constantTimeEqual(key, []))
    }
}
