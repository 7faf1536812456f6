import Dispatch

/// Runs blocking or CPU-bound work (training, file I/O, libhdf5 behind its lock, image encoding) on a Dispatch
/// queue and awaits it, so it holds neither an event loop nor a thread of Swift's cooperative pool.
public func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result { try work() }) }
    }
}
