import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

struct CurvesView: Encodable {
    var model: ModelReference
    var points: [CurvePoint]
}
