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
        rows = .allocate(capacity: blockRows)
        targets = .allocate(capacity: blockRows)
        inputs = .allocate(capacity: blockRows * featureCount)
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
