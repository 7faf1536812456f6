import Foundation
import Hummingbird
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

/// Tensor data as the protocol sends it, flat (`[1, 2, 3, 4]`) or nested (`[[1, 2], [3, 4]]`), flattened row-major.
struct FlatNumbers: Decodable {
    var values: [Float] = []

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        try Self.flatten(&container, into: &values, depth: 0)
    }

    private static func flatten(_ container: inout any UnkeyedDecodingContainer, into values: inout [Float], depth: Int) throws {
        guard depth < 4 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "tensor data is nested too deeply")
        }
        while !container.isAtEnd {
            if let number = try? container.decode(Float.self) {
                values.append(number)
            } else {
                var nested = try container.nestedUnkeyedContainer()
                try flatten(&nested, into: &values, depth: depth + 1)
            }
        }
    }
}
