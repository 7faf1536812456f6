import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

public struct ModelReference: Codable, Sendable, Equatable {
    public var name: String
    public var version: Int

    public init(name: String, version: Int) {
        self.name = name
        self.version = version
    }
}
