import Foundation
import Hummingbird
import NIOCore
import LogitCore
import LogitJobs
import LogitStore

struct AliasesView: Encodable {
    var name: String
    var aliases: [String: Int]
}
