import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

public struct CurvesView: Codable, Sendable {
    public var model: ModelReference
    public var points: [CurvePoint]

    public init(model: ModelReference, points: [CurvePoint]) {
        self.model = model
        self.points = points
    }
}
