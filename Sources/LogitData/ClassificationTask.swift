import LogitCore

/// What a model learns to tell apart: every class of the data set, or a positive group against a negative one.
public struct ClassificationTask: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case multiclass
        case binary
    }

    public var type: Kind
    /// Classes that count as positive (binary tasks).
    public var positive: [Int]?
    /// Classes that count as negative; nil means every class that is not positive.
    public var negative: [Int]?

    public init(type: Kind, positive: [Int]? = nil, negative: [Int]? = nil) {
        self.type = type
        self.positive = positive
        self.negative = negative
    }

    public static let multiclass = ClassificationTask(type: .multiclass)

    public static func binary(positive: [Int], negative: [Int]? = nil) -> ClassificationTask {
        ClassificationTask(type: .binary, positive: positive, negative: negative)
    }

    /// The classes as the model outputs them. A binary task's sides are named by their single class when they have
    /// one (so a breast-cancer model answers 2 or 4, even with `negative` left out), by their classes joined with "|"
    /// otherwise, and "rest" for an implicit negative side of several classes.
    public func classLabels(datasetClasses: [Int]) -> [ClassLabel] {
        switch type {
        case .multiclass:
            return datasetClasses.map(ClassLabel.integer)
        case .binary:
            func name(_ group: [Int]) -> ClassLabel {
                group.count == 1 ? .integer(group[0]) : .name(group.sorted().map(String.init).joined(separator: "|"))
            }
            let implicitNegative = datasetClasses.filter { !(positive ?? []).contains($0) }
            let negativeLabel = negative.map(name)
                ?? (implicitNegative.count == 1 ? .integer(implicitNegative[0]) : .name("rest"))
            return [negativeLabel, name(positive ?? [])]
        }
    }

    /// A function from a data-set label to the model's target index, nil for rows the task leaves out.
    public func targetMapping(datasetClasses: [Int]) -> (Int) -> Int32? {
        switch type {
        case .multiclass:
            let index = Dictionary(uniqueKeysWithValues: datasetClasses.enumerated().map { ($1, Int32($0)) })
            return { index[$0] }
        case .binary:
            let positives = Set(positive ?? [])
            let negatives = negative.map(Set.init)
            return { label in
                if positives.contains(label) { return 1 }
                if let negatives { return negatives.contains(label) ? 0 : nil }
                return 0
            }
        }
    }

    /// Problems with the task for this data set, as sentences that say what to change.
    public func problems(datasetClasses: [Int]) -> [String] {
        var problems: [String] = []
        let known = Set(datasetClasses)
        switch type {
        case .multiclass:
            if positive != nil || negative != nil {
                problems.append("a multiclass task takes no 'positive' or 'negative' classes; use type 'binary'")
            }
        case .binary:
            let positives = positive ?? []
            if positives.isEmpty { problems.append("a binary task needs a non-empty 'positive' list of classes") }
            for label in positives + (negative ?? []) where !known.contains(label) {
                problems.append("class \(label) does not occur in the data set (classes: \(datasetClasses))")
            }
            if let negative {
                if negative.isEmpty { problems.append("'negative' must not be empty; omit it to mean every other class") }
                let overlap = Set(positives).intersection(negative)
                if !overlap.isEmpty {
                    problems.append("classes \(overlap.sorted()) are both positive and negative")
                }
            } else if Set(positives) == known {
                problems.append("every class is positive, so nothing is left for the negative side")
            }
        }
        return problems
    }
}
