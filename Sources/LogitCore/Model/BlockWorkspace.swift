/// The memory one thread of a `BlockPass` works in, allocated once: the row numbers, targets and transformed values
/// of one block of rows, the thread's own gradient sum and result, and what the model's kernel needs besides
/// (`Scratch`).
final class BlockWorkspace<Scratch> {
    let rows: UnsafeMutablePointer<Int32>
    let targets: UnsafeMutablePointer<Int32>
    /// Block rows x features, row-major.
    let inputs: UnsafeMutablePointer<Float>
    /// The sum over this thread's rows of the loss's gradient.
    let gradient: UnsafeMutablePointer<Float>
    var result = BatchResult()
    let scratch: Scratch

    init(blockRows: Int, featureCount: Int, parameterCount: Int, scratch: Scratch) {
        rows = .allocateCacheAligned(capacity: blockRows)
        targets = .allocateCacheAligned(capacity: blockRows)
        inputs = .allocateCacheAligned(capacity: blockRows * featureCount)
        // Not cache-aligned like the rest: aligned, it cost an MLP epoch on MNIST about 10% (0.73-0.78 s against
        // 0.65-0.70 s), most likely because the backward pass's stores to it then fall at the same offsets within
        // 4 KB pages as its loads from `inputs`, which the CPU takes for dependencies.
        gradient = .allocate(capacity: parameterCount)
        self.scratch = scratch
    }

    deinit {
        rows.deallocate()
        targets.deallocate()
        inputs.deallocate()
        gradient.deallocate()
    }
}
