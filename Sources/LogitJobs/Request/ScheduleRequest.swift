/// The request's `schedule`: `{"type": "constant" | "inverse_time" | "step" | "exponential" | "line_search", ...}`,
/// each type with its own parameters (left out: the defaults of `TrainingDefaults`).
public enum ScheduleRequest: Sendable, Equatable {
    case constant
    /// rate / (1 + t / decaySteps), t in steps.
    case inverseTime(decaySteps: Double?)
    /// The rate times `factor` every `every` epochs.
    case step(every: Int?, factor: Double?)
    /// The rate times `factor` per epoch.
    case exponential(factor: Double?)
    /// Backtracking on the whole objective (`gd` only).
    case lineSearch
}

extension ScheduleRequest: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, every, factor
        case decaySteps = "decay_steps"
    }

    static let typeNames = ["constant", "inverse_time", "step", "exponential", "line_search"]

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "constant": self = .constant
        case "inverse_time": self = .inverseTime(decaySteps: try container.decodeIfPresent(Double.self, forKey: .decaySteps))
        case "step":
            self = .step(every: try container.decodeIfPresent(Int.self, forKey: .every),
                         factor: try container.decodeIfPresent(Double.self, forKey: .factor))
        case "exponential": self = .exponential(factor: try container.decodeIfPresent(Double.self, forKey: .factor))
        case "line_search": self = .lineSearch
        default:
            throw ValidationError(field: "schedule.type",
                                  "unknown schedule '\(type)'; available: \(Self.typeNames.joined(separator: ", "))")
        }
    }
}
