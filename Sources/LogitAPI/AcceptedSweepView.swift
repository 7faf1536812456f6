/// `POST /sweeps`'s answer: the sweep as it was queued, every point resolved.
public struct AcceptedSweepView: Codable, Sendable {
    public var sweep: SweepView

    public init(sweep: SweepView) {
        self.sweep = sweep
    }
}
