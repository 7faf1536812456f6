import Hummingbird
import Logging
import Testing
@testable import LogitServer

/// The event-loop `/predict` handler answers as the router would only while it accounts for every middleware the
/// router runs: a new middleware (tracing, rate limits) must be classed in `FastPathAccounting` first.
@Suite struct FastPathAccountingTests {
    /// The type names of the middleware of a router with every optional middleware switched on.
    func routerMiddleware() async throws -> [String] {
        var configuration = testConfiguration()
        configuration.corsAllowedOrigins = ["https://example.org"]
        configuration.apiKeys = ["key"]
        configuration.protectReads = true
        let services = try await makeServices(configuration, logger: Logger(label: "test"), metrics: ServiceMetrics())
        let router = buildRouter(services)
        let stack = Mirror(reflecting: router.middlewares).children.first { $0.label == "middlewares" }?.value
        let middleware = try #require(stack as? [Any], "Hummingbird's MiddlewareGroup no longer keeps `middlewares`")
        return middleware.map(FastPathAccounting.name(of:))
    }

    @Test func everyMiddlewareOfTheRouterIsAccountedFor() async throws {
        let names = try await routerMiddleware()
        #expect(names.count >= 7)
        for name in names {
            #expect(FastPathAccounting.middleware[name] != nil, "\(name) is not in FastPathAccounting.middleware")
        }
        #expect(Set(FastPathAccounting.middleware.keys).subtracting(names).sorted() == [],
                "FastPathAccounting lists middleware the router no longer runs")
    }

    @Test func theHandlerIsLeftOutWhileAMiddlewareThatDisablesItIsActive() {
        typealias Configuration = PredictChannelHandler.Configuration
        #expect(Configuration.answersAsTheRouterWould(logLevelIsDebug: false, predictionsNeedKey: false))
        #expect(!Configuration.answersAsTheRouterWould(logLevelIsDebug: true, predictionsNeedKey: false))
        #expect(!Configuration.answersAsTheRouterWould(logLevelIsDebug: false, predictionsNeedKey: true))
    }
}
