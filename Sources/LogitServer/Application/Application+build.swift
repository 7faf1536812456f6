import Foundation
import Hummingbird
import LogitData
import NIOCore
import LogitJobs
import LogitPostgres
import LogitStore
import Logging
import ServiceLifecycle

/// Builds the service: opens the store and wires the router; before the server starts, the store is migrated and the
/// job queue's worker starts (taking over jobs of replicas that died). Shut down, it drains as it stops (see
/// `buildServiceGroup` for the drain before the server stops listening, as `logit serve` runs it).
/// `datasets` shares an existing registry of the configured data directory (see `makeServices`).
public func buildApplication(_ configuration: AppConfiguration, logger: Logger? = nil,
                             metrics: ServiceMetrics = ServiceMetrics(),
                             datasets: DatasetRegistry? = nil) async throws -> some ApplicationProtocol
{
    let logger = serviceLogger(configuration, logger)
    let services = try makeServices(configuration, logger: logger, metrics: metrics, datasets: datasets)
    var app = makeApplication(configuration, services: services, logger: logger)
    app.addServices(DrainService(scheduler: services.scheduler, draining: services.draining, delay: .zero))
    return app
}

/// The service as `logit serve` runs it, stopped by SIGTERM or SIGINT within `shutdown_grace_seconds`: first the
/// drain (`DrainService`, for `drain_seconds`) while the server still listens, then the application, whose server
/// stops listening and finishes the requests in flight. (Hummingbird stops its server before the application's own
/// services, so the drain runs in this outer group instead.)
public func buildServiceGroup(_ configuration: AppConfiguration) async throws -> ServiceGroup {
    let logger = serviceLogger(configuration, nil)
    let services = try makeServices(configuration, logger: logger, metrics: ServiceMetrics())
    let app = makeApplication(configuration, services: services, logger: logger)
    let drain = DrainService(scheduler: services.scheduler, draining: services.draining,
                             delay: .milliseconds(Int(configuration.drainSeconds * 1000)))
    var group = ServiceGroupConfiguration(
        services: [app, drain], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    group.maximumGracefulShutdownDuration = .seconds(configuration.shutdownGraceSeconds)
    return ServiceGroup(configuration: group)
}

private func serviceLogger(_ configuration: AppConfiguration, _ logger: Logger?) -> Logger {
    var logger = logger ?? Logger(label: "logit")
    logger.logLevel = configuration.logLevel
    return logger
}

private func makeApplication(_ configuration: AppConfiguration, services: AppServices, logger: Logger)
    -> Application<RouterResponder<AppRequestContext>>
{
    let router = buildRouter(services)
    let serverName = "logit"
    let predictionsOnEventLoop = eventLoopPredictions(configuration, services: services, serverName: serverName)
    var app = Application(
        router: router,
        server: .http1(configuration: .init(
            additionalChannelHandlers: predictionsOnEventLoop.map { [PredictChannelHandler($0)] } ?? [])),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
        onServerRunning: { channel in
            logger.info("logit is serving", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
        },
        logger: logger)
    // Services stop in the reverse order: the server, then the jobs (which still write), then the database.
    if let postgres = services.store as? PostgresStore { app.addServices(postgres) }
    app.addServices(ModelCacheInvalidation(cache: services.cache, changes: services.store.changes))
    app.addServices(DatasetEviction(datasets: services.datasets))
    app.beforeServerStarts { try await services.start() }
    return app
}

/// The settings of `PredictChannelHandler`, which answers one-image `/predict` requests on the event loop; nil when
/// the router's middleware has something to add to them (a log line for every request, or an API key check).
private func eventLoopPredictions(_ configuration: AppConfiguration, services: AppServices, serverName: String)
    -> PredictChannelHandler.Configuration?
{
    let predictionsNeedKey = configuration.protectReads && configuration.apiKeys.contains { !$0.isEmpty }
    guard PredictChannelHandler.Configuration.answersAsTheRouterWould(
        logLevelIsDebug: configuration.logLevel <= .debug, predictionsNeedKey: predictionsNeedKey)
    else { return nil }
    return PredictChannelHandler.Configuration(
        predictor: { [cache = services.cache] in cache.cached(name: $0, reference: $1) }, metrics: services.metrics,
        maxBodyBytes: configuration.maxBodyBytes, serverName: serverName,
        corsEnabled: !configuration.corsAllowedOrigins.isEmpty)
}

/// The routes of the service (see public/openapi.yaml).
func buildRouter(_ services: AppServices) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    let configuration = services.configuration
    // Outermost first: request id, metrics and logs see every answer, errors included.
    router.add(middleware: RequestIdMiddleware())
    router.add(middleware: RequestMetricsMiddleware(metrics: services.metrics))
    // One line per request at debug level (log_level "debug"): at info, writing it would cost about a third of
    // `/healthz/live`'s throughput (docs/benchmarks.md). Errors are logged at their own level either way.
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: ErrorMiddleware())
    if !configuration.corsAllowedOrigins.isEmpty {
        router.add(middleware: CORSAllowListMiddleware(origins: Set(configuration.corsAllowedOrigins)))
    }
    router.add(middleware: APIKeyMiddleware(keys: configuration.apiKeys, protectReads: configuration.protectReads))
    router.add(middleware: FileMiddleware(configuration.publicDirectory, searchForIndexHtml: true))
    let limit = configuration.maxBodyBytes
    let metrics = MetricsController(store: services.store, scheduler: services.scheduler, metrics: services.metrics)
    let health = HealthController(store: services.store, draining: services.draining)
    let jobs = JobsController(store: services.store, events: services.jobEvents, scheduler: services.scheduler, datasets: services.datasets,
                              limits: configuration.trainingLimits, maxBodyBytes: limit)
    let sweeps = SweepsController(store: services.store, scheduler: services.scheduler, datasets: services.datasets,
                                  limits: configuration.trainingLimits, maxPoints: configuration.maxSweepPoints,
                                  maxBodyBytes: limit)
    let models = ModelsController(store: services.store, cache: services.cache, maxBodyBytes: limit,
                                  maxUploadBytes: configuration.maxUploadBytes)
    let images = ImagesController(store: services.store, datasets: services.datasets)
    let predictions = PredictController(cache: services.cache, metrics: services.metrics,
                                        maxBodyBytes: configuration.maxPredictBodyBytes,
                                        maxBatchInstances: configuration.maxBatchInstances)
    let inferenceProtocol = InferenceProtocolController(
        store: services.store, cache: services.cache, predictions: predictions, draining: services.draining,
        maxBodyBytes: configuration.maxInferBodyBytes)
    let datasets = DatasetsController(datasets: services.datasets, maxUploadBytes: configuration.maxUploadBytes)
    // Routes come after all the middleware: the router applies middleware only to routes added after it.
    router.addRoutes(metrics.endpoints, atPath: "/metrics")
    router.addRoutes(health.endpoints, atPath: "/healthz")
    // Jobs and predictions span several top-level paths (/train and /jobs; /predict and /models/.../predict).
    router.addRoutes(jobs.endpoints)
    router.addRoutes(sweeps.endpoints, atPath: "/sweeps")
    router.addRoutes(models.endpoints, atPath: "/models")
    router.addRoutes(images.endpoints, atPath: "/models")
    router.addRoutes(predictions.endpoints)
    router.addRoutes(inferenceProtocol.endpoints, atPath: "/v2")
    router.addRoutes(datasets.endpoints, atPath: "/datasets")
    return router
}

