import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

public struct PredictionsView: Codable, Sendable {
    public var model: ModelReference
    public var predictions: [Prediction]

    public init(model: ModelReference, predictions: [Prediction]) {
        self.model = model
        self.predictions = predictions
    }
}
