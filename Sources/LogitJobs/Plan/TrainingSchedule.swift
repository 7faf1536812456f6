import LogitCore

/// A plan's learning-rate schedule, every parameter filled in. Stored in the plan's JSON as the request spells it:
/// `{"type": "step", "every": 10, "factor": 0.5}`.
public enum TrainingSchedule: Sendable, Equatable {
    case constant
    case inverseTime(decaySteps: Double)
    case step(every: Int, factor: Double)
    case exponential(factor: Double)
    /// Backtracking on the whole objective (`gd` only); the learning rate is the first trial step.
    case lineSearch

    /// The schedule the trainer applies between steps (line search sets its own steps).
    public var learningRateSchedule: LearningRateSchedule {
        switch self {
        case .constant, .lineSearch: .constant
        case .inverseTime(let decaySteps): .inverseTime(decaySteps: decaySteps)
        case .step(let every, let factor): .stepDecay(everyEpochs: every, factor: factor)
        case .exponential(let factor): .exponential(ratePerEpoch: factor)
        }
    }
}

extension TrainingSchedule: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, every, factor
        case decaySteps = "decay_steps"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .constant: try container.encode("constant", forKey: .type)
        case .inverseTime(let decaySteps):
            try container.encode("inverse_time", forKey: .type)
            try container.encode(decaySteps, forKey: .decaySteps)
        case .step(let every, let factor):
            try container.encode("step", forKey: .type)
            try container.encode(every, forKey: .every)
            try container.encode(factor, forKey: .factor)
        case .exponential(let factor):
            try container.encode("exponential", forKey: .type)
            try container.encode(factor, forKey: .factor)
        case .lineSearch: try container.encode("line_search", forKey: .type)
        }
    }

    /// A parameter left out reads as its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        let factor = try container.decodeIfPresent(Double.self, forKey: .factor)
        switch type {
        case "inverse_time":
            self = .inverseTime(decaySteps: try container.decodeIfPresent(Double.self, forKey: .decaySteps)
                ?? TrainingDefaults.inverseTimeDecaySteps)
        case "step":
            self = .step(every: try container.decodeIfPresent(Int.self, forKey: .every) ?? TrainingDefaults.stepEvery,
                         factor: factor ?? TrainingDefaults.stepFactor)
        case "exponential": self = .exponential(factor: factor ?? TrainingDefaults.exponentialFactor)
        case "line_search": self = .lineSearch
        default: self = .constant
        }
    }
}
