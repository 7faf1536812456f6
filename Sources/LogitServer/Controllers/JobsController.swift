import Foundation
import LogitAPI
import Hummingbird
import LogitCore
import LogitData
import LogitJobs
import LogitStore
import NIOCore

/// `POST /train` and `/jobs`: submit, list, inspect, cancel, and follow a job's curves live; `GET /train/defaults`.
struct JobsController {
    let store: any JobQueue
    let events: JobEvents
    let scheduler: JobScheduler
    let datasets: DatasetRegistry
    let limits: TrainingLimits
    let maxBodyBytes: Int

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("train", use: submit)
            .get("train/defaults", use: defaults)
            .get("jobs", use: list)
            .get("jobs/:id", use: show)
            .post("jobs/:id/cancel", use: cancel)
            .get("jobs/:id/events", use: events)
    }

    @Sendable func submit(request: Request, context: AppRequestContext) async throws
        -> JSONResponse<AcceptedJobView>
    {
        let body = try await APICoding.decode(TrainRequest.self, from: request, limit: maxBodyBytes)
        let plan = try await TrainingPlan.resolve(
            body, limits: limits, datasetNames: try await datasets.allNames(),
            loadDataset: { name in try await datasets.loaded(name) })
        let job = try await scheduler.submit(plan)
        return JSONResponse(AcceptedJobView(job: JobView(job)), status: .accepted, headers: [.location: "/jobs/\(job.id)"])
    }

    @Sendable func defaults(request: Request, context: AppRequestContext) async throws
        -> JSONResponse<TrainingDefaultsView>
    {
        JSONResponse(TrainingDefaultsView())
    }

    @Sendable func list(request: Request, context: AppRequestContext) async throws
        -> JSONResponse<JobListView>
    {
        let text = request.uri.queryParameters.get("limit")
        let limit = text.map { Int($0) ?? 0 } ?? 100
        guard (1...1000).contains(limit) else {
            throw APIError.badRequest("'limit' must be between 1 and 1000", code: "INVALID_LIMIT")
        }
        return JSONResponse(JobListView(jobs: try await store.jobs(limit: limit).map(JobView.init)))
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> JSONResponse<JobView> {
        let id = try context.parameters.require("id")
        guard let job = try await store.job(id: id) else { throw StoreError.unknownJob(id) }
        return JSONResponse(JobView(job))
    }

    @Sendable func cancel(request: Request, context: AppRequestContext) async throws -> JSONResponse<JobView> {
        let id = try context.parameters.require("id")
        switch try await scheduler.cancel(id: id) {
        case .cancelled(let job): return JSONResponse(JobView(job))
        case .alreadyFinished(let job):
            throw APIError(.conflict, code: "JOB_FINISHED", "job \(id) has already finished as \(job.status.rawValue)")
        case .unknown: throw StoreError.unknownJob(id)
        }
    }

    /// Server-sent events: every curve point recorded so far, then new ones as they arrive, then the final status.
    @Sendable func events(request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await store.job(id: id) != nil else { throw StoreError.unknownJob(id) }
        let events = self.events.events(jobId: id)
        return ServerSentEvent.response(ResponseBody { writer in
            for try await event in events {
                switch event {
                case .point(let sequence, let point):
                    try await writer.write(ServerSentEvent.encode("point", id: sequence, point))
                case .finished(let job): try await writer.write(ServerSentEvent.encode("status", JobView(job)))
                }
            }
            try await writer.finish(nil)
        })
    }
}
