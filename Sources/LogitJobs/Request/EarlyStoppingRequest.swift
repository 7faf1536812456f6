/// The request's `early_stopping`: `{"patience": 3, "restore_best": true, "min_delta": 0}`, each field optional.
public struct EarlyStoppingRequest: Decodable, Sendable, Equatable {
    public var patience: Int?
    public var restoreBest: Bool?
    public var minDelta: Double?

    public init(patience: Int? = nil, restoreBest: Bool? = nil, minDelta: Double? = nil) {
        self.patience = patience
        self.restoreBest = restoreBest
        self.minDelta = minDelta
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case patience
        case restoreBest = "restore_best"
        case minDelta = "min_delta"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        patience = try container.decodeIfPresent(Int.self, forKey: .patience)
        restoreBest = try container.decodeIfPresent(Bool.self, forKey: .restoreBest)
        minDelta = try container.decodeIfPresent(Double.self, forKey: .minDelta)
    }
}
