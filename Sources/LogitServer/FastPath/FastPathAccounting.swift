/// How the event-loop `/predict` answers stand to each middleware of the router. `PredictChannelHandler` must answer
/// exactly as the router would, so every middleware the router may run is listed here with the reason the handler
/// may go without it; FastPathAccountingTests enumerates the router's middleware and fails on one missing here.
enum FastPathAccounting: Sendable, Equatable {
    /// The handler writes what the middleware adds.
    case reproduced(String)
    /// The middleware cannot change a plain one-image answer, or the handler passes such requests to the router.
    case leftToTheRouter(String)
    /// The middleware could change the answer: the handler is not installed while it is active
    /// (`PredictChannelHandler.Configuration.answersAsTheRouterWould`).
    case disablesTheHandler(String)

    /// Keyed by the middleware's type name without its generic arguments.
    static let middleware: [String: FastPathAccounting] = [
        "RequestIdMiddleware": .reproduced("the X-Request-Id header, from RequestIds"),
        "RequestMetricsMiddleware": .reproduced("the request counter and latency series (in flight counts the router's only)"),
        "LogRequestsMiddleware": .disablesTheHandler("log_level debug logs every request"),
        "ErrorMiddleware": .leftToTheRouter("every request that would be an error goes to the router, which words it"),
        "CORSAllowListMiddleware": .leftToTheRouter("requests with an Origin go to the router while CORS is on"),
        "APIKeyMiddleware": .disablesTheHandler("with protect_reads and keys, predictions need a key"),
        "FileMiddleware": .leftToTheRouter("it serves GET and HEAD requests for files, never POST /predict"),
    ]

    /// The table's key for a middleware value.
    static func name(of middleware: Any) -> String {
        String(String(describing: type(of: middleware)).prefix { $0 != "<" })
    }
}
