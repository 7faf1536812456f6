/// The right of one replica to run one attempt of a job. Every write a run makes (progress, curve points, the
/// result) names its lease and is refused once the lease is no longer held: the job was cancelled, or the lease
/// expired and the job was handed to another replica. A replica presumed dead therefore cannot write a second
/// result when it wakes up.
public struct JobLease: Sendable, Hashable {
    public let jobId: String
    public let replica: String
    public let attempt: Int

    public init(jobId: String, replica: String, attempt: Int) {
        self.jobId = jobId
        self.replica = replica
        self.attempt = attempt
    }
}
