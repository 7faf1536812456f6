/// The body of `POST /sweeps`: a base training request (`POST /train`'s body), a grid of values for some of its
/// fields, and how to score and promote the points. Checked by `SweepPlan.resolve`.
public struct SweepRequest: Decodable, Sendable, Equatable {
    public var name: String?
    public var base: JSONValue
    /// Dotted paths of training fields (`regularization.lambda`) and their values.
    public var grid: [String: GridValues]
    public var cvFolds: Int?
    public var metric: SweepMetric?
    /// The alias the best point's version gets when the sweep ends (`"best"`, or any alias name); nil: none.
    public var promote: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, base, grid, metric, promote
        case cvFolds = "cv_folds"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        base = try c.decodeIfPresent(JSONValue.self, forKey: .base) ?? .object([:])
        grid = try c.decode([String: GridValues].self, forKey: .grid)
        cvFolds = try c.decodeIfPresent(Int.self, forKey: .cvFolds)
        if let name = try c.decodeIfPresent(String.self, forKey: .metric) {
            guard let metric = SweepMetric(rawValue: name) else {
                let available = SweepMetric.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError(field: "metric", "unknown metric '\(name)'; available: \(available)")
            }
            self.metric = metric
        }
        promote = try c.decodeIfPresent(String.self, forKey: .promote)
    }
}
