/// One line of the data set list: a name, its description and its summary, all known without loading the rows.
public struct DatasetListing: Sendable, Equatable {
    public let name: String
    public let description: String
    public let summary: DatasetSummary

    public init(name: String, description: String, summary: DatasetSummary) {
        self.name = name
        self.description = description
        self.summary = summary
    }
}
