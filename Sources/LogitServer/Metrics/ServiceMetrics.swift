import Foundation
import HTTPTypes
import Logging
import Hummingbird
import Prometheus
import NIOConcurrencyHelpers
import Synchronization

/// What operators scrape at `GET /metrics` (Prometheus text format). The service owns its registry, so tests can
/// read it and several applications in one process do not share counters.
public final class ServiceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let inFlight: Gauge
    static let durationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    /// The labelled series already made, so a request looks its own up in one small dictionary rather than
    /// building label arrays for the registry (a measurable share of `/predict`'s time).
    private struct Series {
        var requests: [RequestKey: (Counter, DurationHistogram)] = [:]
        var predictions: [PredictionKey: Counter] = [:]
    }
    private struct RequestKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }
    private struct PredictionKey: Hashable {
        var model: String
        var version: Int
    }
    /// NIO's pthread-mutex box, which ThreadSanitizer follows (see ModelCache).
    private let series = NIOLockedValueBox(Series())
    /// Requests `PredictChannelHandler` answered on the event loop (not exported: tests read it to know which
    /// path answered; the two paths' answers are the same).
    let answeredOnEventLoop = Atomic<Int>(0)

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        inFlight = registry.makeGauge(descriptor: Self.descriptor("http_requests_in_flight", help: "HTTP requests being handled"))
    }

    /// A series' name: `logit_`, the metric, and its unit when it has one (`logit_http_requests_total`).
    private static func descriptor(_ metric: String, unit: String = "", help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "logit", metricName: metric, unitName: unit, helpText: help)
    }

    func requestStarted() { inFlight.increment() }

    func requestFinished(method: String, route: String, status: Int, duration: Duration) {
        inFlight.decrement()
        requestFinished(series: requestSeries(method: method, route: route, status: status), duration: duration)
    }

    /// The counter and latency histogram of one method, route and status.
    func requestSeries(method: String, route: String, status: Int) -> (Counter, DurationHistogram) {
        let key = RequestKey(method: method, route: route, status: status)
        return series.withLockedValue { series in
            if let made = series.requests[key] { return made }
            let labels = [("method", method), ("route", route), ("status", String(status))]
            let made = (
                registry.makeCounter(descriptor: Self.descriptor("http_requests", unit: "total", help: "HTTP requests answered"),
                                     labels: labels),
                registry.makeDurationHistogram(
                    descriptor: Self.descriptor("http_request_duration", unit: "seconds", help: "HTTP request latency"),
                    labels: labels, buckets: Self.durationBuckets))
            series.requests[key] = made
            return made
        }
    }

    func requestFinished(series: (counter: Counter, histogram: DurationHistogram), duration: Duration) {
        series.counter.increment()
        series.histogram.record(duration)
    }

    func predicted(model: String, version: Int, count: Int) {
        let key = PredictionKey(model: model, version: version)
        let counter = series.withLockedValue { series in
            if let made = series.predictions[key] { return made }
            let made = registry.makeCounter(descriptor: Self.descriptor("predictions", unit: "total", help: "Images classified"),
                                            labels: [("model", model), ("version", String(version))])
            series.predictions[key] = made
            return made
        }
        counter.increment(by: Int64(count))
    }

    func trainingFinished(samplesPerSecond: Double) {
        registry.makeGauge(descriptor: Self.descriptor(
            "training_samples", unit: "per_second", help: "Training rows processed per second by the last finished job"))
            .set(to: samplesPerSecond)
    }

    /// Gauges computed when scraped: jobs by state and the queue's depth (shared by every replica of the
    /// database), and the jobs this replica runs.
    func refresh(jobCounts: [String: Int], queueDepth: Int, replica: String, runningHere: Int) {
        for (state, count) in jobCounts {
            registry.makeGauge(descriptor: Self.descriptor("jobs", help: "Training jobs by state"), labels: [("state", state)])
                .set(to: Double(count))
        }
        registry.makeGauge(descriptor: Self.descriptor("job_queue_depth", help: "Jobs waiting to run"))
            .set(to: Double(queueDepth))
        registry.makeGauge(
            descriptor: Self.descriptor("replica_running_jobs", help: "Training jobs this replica runs now"),
            labels: [("replica", replica)])
            .set(to: Double(runningHere))
    }
}

