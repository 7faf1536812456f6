import Foundation
import LogitServer

/// The KServe V2 `infer` body reader, up to the rows it would predict, for a 4-feature model and batches of at most
/// 16 rows: malformed bodies are errors, and accepted ones give 1-16 rows of 4 values.
enum InferenceTarget {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let rows = try? inferenceRows(json: Data(bytes), featureCount: 4, maxBatchInstances: 16) else { return }
        guard (1...16).contains(rows.count), rows.allSatisfy({ $0.count == 4 }) else {
            fatalError("accepted \(rows.count) rows of \(rows.map(\.count)): \(String(decoding: bytes, as: UTF8.self))")
        }
    }
}
