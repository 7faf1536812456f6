import Foundation
import Hummingbird
import LogitAPI
import LogitData
import LogitJobs
import LogitStore
import NIOCore

/// `/sweeps`: submit a grid of training points (validated whole before anything runs), list, inspect, cancel, and
/// follow a sweep's points as they finish.
struct SweepsController {
    let store: any StoreBackend
    let scheduler: JobScheduler
    let datasets: DatasetRegistry
    let limits: TrainingLimits
    let maxPoints: Int
    let maxBodyBytes: Int

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post(use: submit)
            .get(use: list)
            .get(":id", use: show)
            .post(":id/cancel", use: cancel)
            .get(":id/events", use: events)
    }

    @Sendable func submit(request: Request, context: AppRequestContext) async throws
        -> JSONResponse<AcceptedSweepView>
    {
        let body = try await APICoding.decode(SweepRequest.self, from: request, limit: maxBodyBytes)
        let plan = try await SweepPlan.resolve(
            body, limits: limits, maxPoints: maxPoints, datasetNames: try await datasets.allNames(),
            loadDataset: { name in try await datasets.loaded(name) })
        let (sweep, jobs) = try await scheduler.submit(plan)
        let points = try await store.sweepPoints(sweepId: sweep.id)
        return JSONResponse(AcceptedSweepView(sweep: SweepView(sweep, plan: plan, points: points, jobs: jobs)),
                            status: .accepted, headers: [.location: "/sweeps/\(sweep.id)"])
    }

    private func view(_ sweep: SweepRecord) async throws -> SweepView {
        let plan = try SweepPlan.decode(json: sweep.request)
        return SweepView(sweep, plan: plan, points: try await store.sweepPoints(sweepId: sweep.id),
                         jobs: try await store.sweepJobs(sweepId: sweep.id))
    }

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> JSONResponse<SweepListView> {
        let text = request.uri.queryParameters.get("limit")
        let limit = text.map { Int($0) ?? 0 } ?? 20
        guard (1...100).contains(limit) else {
            throw APIError.badRequest("'limit' must be between 1 and 100", code: "INVALID_LIMIT")
        }
        var views: [SweepView] = []
        for sweep in try await store.sweeps(limit: limit) { views.append(try await view(sweep)) }
        return JSONResponse(SweepListView(sweeps: views))
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> JSONResponse<SweepView> {
        let id = try context.parameters.require("id")
        guard let sweep = try await store.sweep(id: id) else { throw StoreError.unknownSweep(id) }
        return JSONResponse(try await view(sweep))
    }

    /// Cancels the sweep's unfinished jobs; the points already done keep their versions. 409 once every job ended.
    @Sendable func cancel(request: Request, context: AppRequestContext) async throws -> JSONResponse<SweepView> {
        let id = try context.parameters.require("id")
        guard let sweep = try await store.sweep(id: id) else { throw StoreError.unknownSweep(id) }
        let before = try await view(sweep)
        if before.status.isFinished {
            throw APIError(.conflict, code: "SWEEP_FINISHED", "sweep \(id) has already finished as \(before.status.rawValue)")
        }
        _ = try await scheduler.cancelSweep(id: id)
        return JSONResponse(try await view(sweep))
    }

    /// Server-sent events: a `point` event for every point recorded so far and each new one (its index, model and
    /// result), then one `status` event with the sweep.
    @Sendable func events(request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let sweep = try await store.sweep(id: id) else { throw StoreError.unknownSweep(id) }
        let plan = try SweepPlan.decode(json: sweep.request)
        let events = SweepEvents(store: store, changes: store.changes).events(sweepId: id)
        return ServerSentEvent.response(ResponseBody { writer in
            for try await event in events {
                switch event {
                case .point(let record, let result):
                    let point = SweepView.Point(record, params: plan.points[record.index].params, result: result)
                    try await writer.write(ServerSentEvent.encode("point", id: record.index, point))
                case .finished(let sweep, let points, let jobs):
                    let view = SweepView(sweep, plan: plan, points: points, jobs: jobs)
                    try await writer.write(ServerSentEvent.encode("status", view))
                }
            }
            try await writer.finish(nil)
        })
    }
}
