extension Collection<Float> {
    /// The sum of the squares, accumulated in Double in order, so every caller (the curves' weight norm, the L2
    /// term of the objective, a model's norm in the API) rounds the same way.
    var sumOfSquares: Double {
        var sum = 0.0
        for value in self { sum += Double(value) * Double(value) }
        return sum
    }

    /// The Euclidean norm.
    var euclideanNorm: Double { sumOfSquares.squareRoot() }
}
