/// `POST /train`'s answer: the job as it was queued, its plan filled in.
public struct AcceptedJobView: Codable, Sendable {
    public var job: JobView

    public init(job: JobView) {
        self.job = job
    }
}
