import Dispatch

/// Runs one pass over rows split into per-thread chunks, each accumulating into its own gradient buffer, then adds
/// the buffers and scales them to the gradient of the mean. Shared by the objectives.
enum ParallelPass {
    /// How many chunks to split `rows` into: no more than `threads`, and none smaller than `minimumRowsPerThread`
    /// (below which waking another thread costs more than it saves; it depends on the work per row).
    static func chunkCount(rows: Int, threads: Int, minimumRowsPerThread: Int) -> Int {
        min(threads, max(1, rows / minimumRowsPerThread))
    }

    /// The rows of chunk `chunk` out of `chunks`.
    static func range(_ chunk: Int, of chunks: Int, rows: Int) -> Range<Int> {
        (rows * chunk / chunks)..<(rows * (chunk + 1) / chunks)
    }

    /// Calls `body(chunk)` for every chunk (in parallel when there are several) and sums the results. Each chunk
    /// must write only its own gradient buffer, `gradients[chunk]`, which is zeroed first when `gradient` is given.
    static func run(rows: Int, chunks: Int, gradients: [UnsafeMutablePointer<Float>], parameterCount: Int,
                    gradient: UnsafeMutablePointer<Float>?, body: @Sendable (Int) -> BatchResult) -> BatchResult {
        if gradient != nil {
            for chunk in 0..<chunks { gradients[chunk].initialize(repeating: 0, count: parameterCount) }
        }
        var total = BatchResult()
        if chunks == 1 {
            total = body(0)
        } else {
            let results = Results(count: chunks)
            TrainingThreads.parallelFor(iterations: chunks) { results.storage[$0] = body($0) }
            total = results.storage.reduce(BatchResult(), +)
        }
        if let gradient {
            let scale = 1 / Float(max(rows, 1))
            let first = gradients[0]
            for p in 0..<parameterCount { gradient[p] = first[p] }
            for chunk in 1..<chunks {
                let partial = gradients[chunk]
                for p in 0..<parameterCount { gradient[p] += partial[p] }
            }
            for p in 0..<parameterCount { gradient[p] *= scale }
        }
        return total
    }

    /// One slot per chunk; each thread writes only its own.
    private final class Results: @unchecked Sendable {
        let storage: UnsafeMutableBufferPointer<BatchResult>
        init(count: Int) {
            storage = .allocate(capacity: count)
            storage.initialize(repeating: BatchResult())
        }
        deinit { storage.deallocate() }
    }
}

/// Pointers a parallel pass shares between its threads (each thread writes only its own workspace).
struct SharedPointers: @unchecked Sendable {
    let positions: UnsafeBufferPointer<Int32>
    let parameters: UnsafePointer<Float>
    let withGradient: Bool
}
