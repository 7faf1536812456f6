/// `GET /datasets`: the data sets jobs can train on.
public struct DatasetListView: Codable, Sendable {
    public var datasets: [DatasetView]

    public init(datasets: [DatasetView]) {
        self.datasets = datasets
    }
}
