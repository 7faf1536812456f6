import LogitCore

/// One row's answer: the most probable class and every class's probability, in the order of the version's classes.
public struct Prediction: Sendable, Equatable, Codable {
    public var label: ClassLabel
    public var probabilities: [Float]

    public init(label: ClassLabel, probabilities: [Float]) {
        self.label = label
        self.probabilities = probabilities
    }
}
