import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

struct ModelView: Encodable {
    var name: String
    var latestVersion: Int?
    var aliases: [String: Int]
    var createdAt: Date
    var versions: [VersionView]?
    var versionCount: Int

    init(_ summary: ModelSummary, includeVersions: Bool) {
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
