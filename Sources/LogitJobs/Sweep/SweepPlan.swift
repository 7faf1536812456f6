import Foundation
import LogitCore

/// A sweep with every point resolved to a `TrainingPlan`, grouped into the paths its jobs run: what a sweep stores
/// and its jobs read.
public struct SweepPlan: Codable, Sendable, Equatable {
    /// One combination of the grid's values.
    public struct Point: Codable, Sendable, Equatable {
        public var index: Int
        /// The grid's value of each key at this point.
        public var params: [String: JSONValue]
        public var plan: TrainingPlan
    }

    public var name: String
    public var metric: SweepMetric
    /// Folds of the training rows each point is scored on; nil: scored on the validation split.
    public var cvFolds: Int?
    public var promote: String?
    /// The grid's keys, sorted.
    public var keys: [String]
    public var points: [Point]
    /// The regularisation strength key the paths run along (`regularization.lambda` or `regularization.C`), if the
    /// grid has one.
    public var pathKey: String?
    /// The points of each path (one job each), from the strongest penalty to the weakest: each point starts from
    /// the previous one's solution. Without a path key, every point is a path of its own.
    public var paths: [[Int]]

    enum CodingKeys: String, CodingKey {
        case name, metric, promote, keys, points, paths
        case cvFolds = "cv_folds"
        case pathKey = "path_key"
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static func decode(json: String) throws -> SweepPlan {
        try JSONDecoder().decode(SweepPlan.self, from: Data(json.utf8))
    }
}

extension Penalty {
    /// The penalty's lambda (0 for none): a path's points are ordered by it.
    public var strength: Double {
        switch self {
        case .none: 0
        case .l2(let lambda), .l1(let lambda), .elasticNet(let lambda, _): lambda
        }
    }
}
