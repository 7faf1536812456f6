import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

public struct InputDescription: Codable, Sendable {
    public var name: String
    public var shape: [Int]
    public var range: [Double]?

    public init(name: String, shape: [Int], range: [Double]?) {
        self.name = name
        self.shape = shape
        self.range = range
    }
}
