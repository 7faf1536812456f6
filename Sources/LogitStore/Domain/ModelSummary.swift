import Foundation

/// A model name with its versions' numbers and its aliases.
public struct ModelSummary: Sendable, Equatable {
    public var name: String
    public var createdAt: Date
    public var latestVersion: Int?
    public var versions: [ModelVersionMetadata]
    public var aliases: [String: Int]

    public init(name: String, createdAt: Date, latestVersion: Int?, versions: [ModelVersionMetadata],
                aliases: [String: Int]) {
        self.name = name
        self.createdAt = createdAt
        self.latestVersion = latestVersion
        self.versions = versions
        self.aliases = aliases
    }
}
