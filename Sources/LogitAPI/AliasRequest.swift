import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

public struct AliasRequest: Decodable, Sendable {
    public var version: Int

    public init(version: Int) {
        self.version = version
    }
    enum CodingKeys: String, CodingKey, CaseIterable { case version }
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        version = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .version)
    }
}
