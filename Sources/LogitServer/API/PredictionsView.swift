import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

struct PredictionsView: Encodable {
    var model: ModelReference
    var predictions: [Prediction]
}
