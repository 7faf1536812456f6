import Foundation
import Hummingbird
import NIOCore
import LogitCore
import LogitJobs
import LogitStore

struct AliasRequest: Decodable {
    var version: Int
    enum CodingKeys: String, CodingKey, CaseIterable { case version }
    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        version = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .version)
    }
}
