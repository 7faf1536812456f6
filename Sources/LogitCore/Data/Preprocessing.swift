/// The preprocessing a request can ask for; the statistics it needs come from the training rows.
public enum PreprocessKind: String, Codable, Sendable, CaseIterable {
    /// x / (the data set's divisor): pixels / 255 give 0..1; tabular data, over its largest absolute value, -1..1.
    case unit
    /// (x - mean) / std per feature.
    case standardize
    case none
}

/// How raw feature values become model inputs. Stored with every model, so clients always send raw values
/// (0-255 pixels for images) and the service applies the same transformation it trained with.
public enum Preprocessing: Sendable, Equatable {
    /// x / divisor (pixels / 255 for images).
    case unit(divisor: Float)
    /// (x - mean[j]) / std[j], with statistics of the training rows.
    case standardize(mean: [Float], std: [Float])
    /// Raw values.
    case none

    public var name: String {
        switch self {
        case .unit: "unit"
        case .standardize: "standardize"
        case .none: "none"
        }
    }
}

extension Preprocessing: Codable {
    private enum CodingKeys: String, CodingKey { case type, divisor, mean, std }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "unit": self = .unit(divisor: try container.decode(Float.self, forKey: .divisor))
        case "standardize":
            self = .standardize(
                mean: try container.decode([Float].self, forKey: .mean),
                std: try container.decode([Float].self, forKey: .std))
        case "none": self = .none
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown preprocessing '\(other)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .type)
        switch self {
        case .unit(let divisor): try container.encode(divisor, forKey: .divisor)
        case .standardize(let mean, let std):
            try container.encode(mean, forKey: .mean)
            try container.encode(std, forKey: .std)
        case .none: break
        }
    }
}

/// Preprocessing in the form the kernels apply: `x' = (x - offset[j]) * factor[j]`, or one shared factor.
public struct FeatureTransform: Sendable {
    public let sharedFactor: Float?
    public let offsets: [Float]
    public let factors: [Float]

    public init(_ preprocessing: Preprocessing, featureCount: Int) {
        switch preprocessing {
        case .unit(let divisor):
            sharedFactor = 1 / divisor
            offsets = []
            factors = []
        case .none:
            sharedFactor = 1
            offsets = []
            factors = []
        case .standardize(let mean, let std):
            precondition(mean.count == featureCount && std.count == featureCount, "statistics do not match features")
            sharedFactor = nil
            offsets = mean
            // A constant feature (std 0) maps to 0 rather than to NaN.
            factors = std.map { $0 > 0 ? 1 / $0 : 0 }
        }
    }

    /// Writes the transformed values of `source` into `destination` (both `count` long).
    @inline(__always)
    public func apply(_ source: UnsafeBufferPointer<UInt8>, into destination: UnsafeMutablePointer<Float>) {
        if let factor = sharedFactor {
            for j in 0..<source.count { destination[j] = Float(source[j]) * factor }
        } else {
            for j in 0..<source.count { destination[j] = (Float(source[j]) - offsets[j]) * factors[j] }
        }
    }

    @inline(__always)
    public func apply(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutablePointer<Float>) {
        if let factor = sharedFactor {
            for j in 0..<source.count { destination[j] = source[j] * factor }
        } else {
            for j in 0..<source.count { destination[j] = (source[j] - offsets[j]) * factors[j] }
        }
    }
}
