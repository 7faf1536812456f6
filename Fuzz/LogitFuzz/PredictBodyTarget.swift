import Foundation
import LogitServer

/// The `/predict` fast path's body readers (`PixelBody`, `InstancesBody`) against the JSONDecoder the router falls
/// back on. A body a fast reader takes must decode the same with JSONDecoder: the same pixels (or rows), model and
/// version, and nothing else. A body both decline goes to JSONDecoder anyway, so declining is never wrong; JSONDecoder
/// runs on every input all the same, as every body reaches it when the fast readers decline.
enum PredictBodyTarget {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        let pixelBody = PixelBody.parse(bytes)
        let instancesBody = InstancesBody.parse(bytes)
        let decoded = Result { try JSONDecoder().decode(PredictRequest.self, from: Data(bytes)) }
        let input = String(decoding: bytes, as: UTF8.self).debugDescription
        if pixelBody != nil, instancesBody != nil { fatalError("both fast readers take \(input)") }
        guard pixelBody != nil || instancesBody != nil else { return }
        let reference: PredictRequest
        switch decoded {
        case .failure(let error): fatalError("a fast reader takes a body JSONDecoder rejects (\(error)): \(input)")
        case .success(let body): reference = body
        }
        if let fast = pixelBody {
            guard reference.pixels == fast.pixels, reference.instances == nil, reference.model == fast.model,
                  reference.version == fast.version
            else {
                fatalError("PixelBody and JSONDecoder read \(input) differently: \(fast) against \(reference)")
            }
        }
        if let fast = instancesBody {
            // The rows JSONDecoder reads, laid end to end as InstancesBody keeps them, all of the same length.
            guard let rows = reference.instances, reference.pixels == nil, rows.count == fast.rowCount,
                  rows.allSatisfy({ $0.count == fast.columnCount }), rows.flatMap({ $0 }) == fast.values,
                  reference.model == fast.model, reference.version == fast.version
            else {
                fatalError("InstancesBody and JSONDecoder read \(input) differently: \(fast) against \(reference)")
            }
        }
    }
}
