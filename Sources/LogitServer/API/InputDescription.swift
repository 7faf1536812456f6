import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

struct InputDescription: Encodable {
    var name: String
    var shape: [Int]
    var range: [Double]?
}
