/// The L1 part of the penalty as the mini-batch optimisers apply it: a soft-threshold of each weight inside its update
/// (see `softThreshold`), scaled by the step the optimiser takes. The biases (the parameters after `weightCount`)
/// are never shrunk.
struct L1Shrinkage {
    /// The penalty's L1 coefficient (0 for none).
    let strength: Float
    let weightCount: Int

    /// Calls `body` with the weights' indices and their L1 strength, then with the biases' indices and 0, so an update
    /// loop runs over each part with its strength fixed.
    @inline(__always)
    func forEachPart(parameterCount: Int, _ body: (_ indices: Range<Int>, _ strength: Float) -> Void) {
        body(0..<weightCount, strength)
        body(weightCount..<parameterCount, 0)
    }
}
