/// `GET /sweeps`: the sweeps, newest first.
public struct SweepListView: Codable, Sendable {
    public var sweeps: [SweepView]

    public init(sweeps: [SweepView]) {
        self.sweeps = sweeps
    }
}
