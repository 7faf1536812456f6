/// The pass both objectives make over some of their rows: the rows split among up to `threads` threads, each walking
/// its share in blocks of rows in a workspace of its own; then the threads' sums added up and the gradient scaled to
/// that of the mean loss.
///
/// The workspaces are allocated once, so a pass allocates nothing. They are all a pass writes besides the caller's
/// gradient, and they sit behind a lock: passes over one objective from several threads take turns, which is what
/// makes the objectives safe to share.
final class BlockPass<Scratch>: Sendable {
    let data: LabeledRows
    let transform: FeatureTransform
    let blockRows: Int
    let parameterCount: Int
    let threads: Int
    /// Rows per thread below which waking another thread costs more than it saves (it depends on the work per row).
    let minimumRowsPerThread: Int
    /// One workspace per thread, touched only while holding `lock`.
    private let workspaces: UnsafeSendable<[BlockWorkspace<Scratch>]>
    /// The workspaces' gradient sums, in order.
    private let sums: UnsafeSendable<[UnsafeMutablePointer<Float>]>
    private let lock = ThreadLock()

    /// `scratch` is called once per thread for the kernel's own memory.
    init(data: LabeledRows, transform: FeatureTransform, threads: Int, blockRows: Int, parameterCount: Int,
         minimumRowsPerThread: Int, scratch: () -> Scratch) {
        self.data = data
        self.transform = transform
        self.blockRows = blockRows
        self.parameterCount = parameterCount
        self.threads = max(1, threads)
        self.minimumRowsPerThread = minimumRowsPerThread
        let featureCount = data.matrix.columnCount
        workspaces = UnsafeSendable((0..<max(1, threads)).map { _ in
            BlockWorkspace(blockRows: blockRows, featureCount: featureCount, parameterCount: parameterCount,
                           scratch: scratch())
        })
        sums = UnsafeSendable(workspaces.value.map(\.gradient))
    }

    /// The sums of `accumulate` over `positions` and, if `gradient` is given, the gradient of the mean loss
    /// (`parameterCount` floats, overwritten). `accumulate` runs once per thread on its share of the positions; it
    /// writes only its workspace, adding its rows' gradient to the workspace's `gradient` (zeroed first when a
    /// gradient is wanted).
    func run(positions: UnsafeBufferPointer<Int32>, gradient: UnsafeMutablePointer<Float>?,
             accumulate: @Sendable (UnsafeBufferPointer<Int32>, BlockWorkspace<Scratch>) -> BatchResult) -> BatchResult {
        let rows = positions.count
        let chunks = min(threads, max(1, rows / minimumRowsPerThread))
        let parameterCount = self.parameterCount
        return lock.withLock {
            let workspaces = self.workspaces.value
            let withGradient = gradient != nil
            var total = BatchResult()
            if chunks == 1 {
                if withGradient { workspaces[0].gradient.initialize(repeating: 0, count: parameterCount) }
                total = accumulate(positions, workspaces[0])
            } else {
                let positions = UnsafeSendable(positions)
                TrainingThreads.parallelFor(iterations: chunks) { chunk in
                    let share = (rows * chunk / chunks)..<(rows * (chunk + 1) / chunks)
                    let workspace = self.workspaces.value[chunk]
                    // Zeroed by the thread that fills it: in parallel, and into the cache of the core that uses it.
                    if withGradient { workspace.gradient.initialize(repeating: 0, count: parameterCount) }
                    workspace.result = accumulate(UnsafeBufferPointer(rebasing: positions.value[share]), workspace)
                }
                for chunk in 0..<chunks { total = total + workspaces[chunk].result }
            }
            if let gradient {
                // One pass over the parameters: mini-batch steps make one of these per batch. An MLP's 100k
                // parameters are added up by the threads in parallel, each over its own lines of the vector.
                let scale = 1 / Float(max(rows, 1))
                let sums = UnsafeSendable((self.sums.value, gradient))
                @Sendable func addUp(_ range: Range<Int>) {
                    Self.addUp(sums.value.0, count: chunks, into: sums.value.1, range: range, scale: scale)
                }
                if chunks > 1 && parameterCount >= Self.parallelSumThreshold {
                    TrainingThreads.parallelFor(iterations: chunks) { part in
                        let start = part == 0 ? 0 : (parameterCount * part / chunks) & ~15
                        let end = part == chunks - 1 ? parameterCount : (parameterCount * (part + 1) / chunks) & ~15
                        addUp(start..<end)
                    }
                } else {
                    addUp(0..<parameterCount)
                }
            }
            return total
        }
    }

    /// Parameters from which the threads' sums are added up in parallel.
    static var parallelSumThreshold: Int { 1 << 15 }

    /// gradient[p] = (sums[0][p] + ... + sums[count - 1][p]) * scale for p in `range`, the sums added in order.
    @inline(__always)
    private static func addUp(_ sums: [UnsafeMutablePointer<Float>], count: Int,
                              into gradient: UnsafeMutablePointer<Float>, range: Range<Int>, scale: Float) {
        let first = sums[0]
        if count == 1 {
            for p in range { gradient[p] = first[p] * scale }
            return
        }
        for p in range { gradient[p] = first[p] }
        for chunk in 1..<count {
            let partial = sums[chunk]
            if chunk < count - 1 {
                for p in range { gradient[p] += partial[p] }
            } else {
                for p in range { gradient[p] = (gradient[p] + partial[p]) * scale }
            }
        }
    }

    /// Walks `positions` a block of at most `blockRows` rows at a time: writes each block's row numbers, targets and
    /// transformed values to `workspace`, then calls `body` with the block's row count.
    @inline(__always)
    func forEachBlock(of positions: UnsafeBufferPointer<Int32>, in workspace: BlockWorkspace<Scratch>,
                      _ body: (_ count: Int) -> Void) {
        data.rows.withUnsafeBufferPointer { dataRows in
            data.targets.withUnsafeBufferPointer { targets in
                var blockStart = 0
                while blockStart < positions.count {
                    let count = min(blockRows, positions.count - blockStart)
                    for i in 0..<count {
                        let position = Int(positions[blockStart + i])
                        workspace.rows[i] = dataRows[position]
                        workspace.targets[i] = targets[position]
                    }
                    data.matrix.fill(rows: UnsafeBufferPointer(start: workspace.rows, count: count), transform: transform,
                                     into: workspace.inputs)
                    body(count)
                    blockStart += count
                }
            }
        }
    }
}
