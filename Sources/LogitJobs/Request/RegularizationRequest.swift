/// The request's `regularization`: `{"type": "none" | "l2" | "l1" | "elastic_net", "lambda": ..., "C": ...,
/// "l1_ratio": ...}`. scikit-learn's `C` maps to `lambda = 1 / (C * n)`, n the training rows.
public enum RegularizationRequest: Sendable, Equatable {
    case none
    case l2(PenaltyStrength)
    case l1(PenaltyStrength)
    case elasticNet(PenaltyStrength, l1Ratio: Double?)

    /// How strong a penalty the request asks for.
    public enum PenaltyStrength: Sendable, Equatable {
        /// Left out: `TrainingDefaults.lambda`.
        case byDefault
        case lambda(Double)
        /// scikit-learn's inverse strength.
        case c(Double)
    }

    /// True for L1 and elastic net, whose objective L-BFGS cannot minimise.
    public var isNonSmooth: Bool {
        switch self {
        case .l1, .elasticNet: true
        case .none, .l2: false
        }
    }

    /// The name of the type, as the request spells it.
    public var typeName: String {
        switch self {
        case .none: "none"
        case .l2: "l2"
        case .l1: "l1"
        case .elasticNet: "elastic_net"
        }
    }
}

extension RegularizationRequest: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, lambda
        case l1Ratio = "l1_ratio"
        case c = "C"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        let lambda = try container.decodeIfPresent(Double.self, forKey: .lambda)
        let c = try container.decodeIfPresent(Double.self, forKey: .c)
        let l1Ratio = try container.decodeIfPresent(Double.self, forKey: .l1Ratio)
        var problems: [FieldProblem] = []
        let strength: PenaltyStrength
        switch (lambda, c) {
        case (let lambda?, nil): strength = .lambda(lambda)
        case (nil, let c?): strength = .c(c)
        case (nil, nil): strength = .byDefault
        case (.some, .some):
            strength = .byDefault
            problems.append(FieldProblem(field: "regularization", message: "give 'lambda' or scikit-learn's 'C', not both"))
        }
        if l1Ratio != nil && type != "elastic_net" {
            problems.append(FieldProblem(field: "regularization.l1_ratio", message: "only 'elastic_net' takes an l1_ratio"))
        }
        switch type {
        case "none":
            if lambda != nil || c != nil {
                problems.append(FieldProblem(field: "regularization", message: "type 'none' takes no 'lambda' or 'C'"))
            }
            self = .none
        case "l2": self = .l2(strength)
        case "l1": self = .l1(strength)
        case "elastic_net": self = .elasticNet(strength, l1Ratio: l1Ratio)
        default:
            throw ValidationError(field: "regularization.type",
                                  "unknown regularization '\(type)'; available: none, l2, l1, elastic_net")
        }
        if !problems.isEmpty { throw ValidationError(problems: problems) }
    }
}
