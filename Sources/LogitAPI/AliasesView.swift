import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

public struct AliasesView: Codable, Sendable {
    public var name: String
    public var aliases: [String: Int]

    public init(name: String, aliases: [String: Int]) {
        self.name = name
        self.aliases = aliases
    }
}
