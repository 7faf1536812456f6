import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

struct ModelReference: Codable, Sendable, Equatable {
    var name: String
    var version: Int
}
