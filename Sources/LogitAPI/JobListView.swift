/// `GET /jobs`: the newest jobs first.
public struct JobListView: Codable, Sendable {
    public var jobs: [JobView]

    public init(jobs: [JobView]) {
        self.jobs = jobs
    }
}
