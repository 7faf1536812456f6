import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

public struct ModelView: Codable, Sendable {
    public var name: String
    public var latestVersion: Int?
    public var aliases: [String: Int]
    public var createdAt: Date
    public var versions: [VersionView]?
    public var versionCount: Int

    public init(_ summary: ModelSummary, includeVersions: Bool) {
        name = summary.name
        latestVersion = summary.latestVersion
        aliases = summary.aliases
        createdAt = summary.createdAt
        versionCount = summary.versions.count
        versions = includeVersions
            ? summary.versions.map { version in
                VersionView(version, aliases: summary.aliases.filter { $0.value == version.version }.map(\.key))
            }
            : nil
    }

    enum CodingKeys: String, CodingKey {
        case name, aliases, versions
        case latestVersion = "latest_version"
        case createdAt = "created_at"
        case versionCount = "version_count"
    }
}
