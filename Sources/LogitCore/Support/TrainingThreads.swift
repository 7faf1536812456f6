import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the parallel loops of training run.
///
/// By default a loop is `DispatchQueue.concurrentPerform`. A job the service runs goes through `run(helpers:nice:_:)`
/// instead: on a thread of its own plus `helpers` more, all at a raised nice value, so that while a job trains the
/// scheduler gives the request handlers most of the CPU and `/predict`'s p99 latency stays close to its idle figure
/// (docs/benchmarks.md). Dispatch's worker threads cannot be used for this: they also run Swift's cooperative pool,
/// and a thread's nice value, once raised, cannot be lowered again without CAP_SYS_NICE.
public enum TrainingThreads {
    /// Calls `body(i)` for every i in 0..<iterations, in parallel, and returns when all calls have returned: on the
    /// calling job's own threads inside `run`, else on Dispatch's.
    public static func parallelFor(iterations: Int, _ body: @Sendable (Int) -> Void) {
        if let pool = WorkerPool.current, iterations > 1 {
            pool.parallelFor(iterations: iterations, body)
        } else {
            DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
        }
    }

    /// Starts `body` on a new thread with `helpers` more threads for its parallel loops, all at nice value `nice`
    /// (0 keeps the service's priority; 19 is the lowest), and returns at once. The threads end with `body`.
    public static func run(helpers: Int, nice: Int, _ body: @escaping @Sendable () -> Void) {
        startThread {
            lowerPriority(by: nice)
            let pool = WorkerPool(helpers: max(0, helpers), nice: nice)
            WorkerPool.current = pool
            body()
            WorkerPool.current = nil
            pool.stop()
        }
    }

    /// Raises the calling thread's nice value (Linux keeps one per thread, and `who` 0 is the calling thread).
    static func lowerPriority(by nice: Int) {
        guard nice > 0 else { return }
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Int32(min(nice, 19)))
        #endif
    }

    /// A new thread running `body`; joined when `join` is true, else detached.
    @discardableResult
    static func startThread(join: Bool = false, _ body: @escaping @Sendable () -> Void) -> pthread_t? {
        final class Box: @unchecked Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { argument in
            let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        precondition(status == 0, "pthread_create failed (\(status))")
        if !join { pthread_detach(thread) }
        return join ? thread : nil
    }
}

/// A job's helper threads: each loop hands out iterations through an atomic counter to the calling thread and the
/// helpers, and returns when every helper is done with it.
///
/// Between loops a helper, and the calling thread waiting for the helpers, first spin for a while (`spinNanoseconds`)
/// before sleeping on the condition: a mini-batch step runs one short loop after
/// another with a few tens of microseconds of serial work between them, and waking a sleeping thread took about as
/// long as the loop itself.
final class WorkerPool: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var threads: [pthread_t] = []
    // Guarded by `mutex`:
    private var generation = 0
    private var stopping = false
    private var body: ((Int) -> Void)?
    private var iterations = 0
    /// The next iteration to hand out in the current loop.
    private let next = Atomic<Int>(0)
    /// `generation` as the spinning helpers read it, without the mutex.
    private let published = Atomic<Int>(0)
    /// Helpers not yet done with the current loop.
    private let pending = Atomic<Int>(0)
    static let spinNanoseconds: UInt64 = 100_000

    init(helpers: Int, nice: Int) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        threads = (0..<helpers).compactMap { _ in
            TrainingThreads.startThread(join: true) { [self] in
                TrainingThreads.lowerPriority(by: nice)
                helperLoop()
            }
        }
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    var helperCount: Int { threads.count }

    func parallelFor(iterations: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            pthread_mutex_lock(mutex)
            self.body = body
            self.iterations = iterations
            next.store(0, ordering: .relaxed)
            generation += 1
            pending.store(threads.count, ordering: .releasing)
            published.store(generation, ordering: .releasing)
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)

            work(body, iterations: iterations)

            Self.spin { pending.load(ordering: .acquiring) == 0 }
            pthread_mutex_lock(mutex)
            while pending.load(ordering: .acquiring) > 0 { pthread_cond_wait(condition, mutex) }
            self.body = nil
            pthread_mutex_unlock(mutex)
        }
    }

    /// Ends the helpers and waits for them.
    func stop() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
        for thread in threads { pthread_join(thread, nil) }
        threads = []
    }

    private func work(_ body: (Int) -> Void, iterations: Int) {
        while true {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < iterations else { return }
            body(index)
        }
    }

    private func helperLoop() {
        var seen = 0
        while true {
            Self.spin { published.load(ordering: .acquiring) != seen }
            pthread_mutex_lock(mutex)
            while generation == seen && !stopping { pthread_cond_wait(condition, mutex) }
            if stopping { break }
            seen = generation
            workOnCurrentLoop()
            // The last helper out wakes the calling thread if it has stopped spinning (it checks `pending` under the
            // mutex before it sleeps, so the wake-up cannot come between its check and its wait).
            if pending.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(condition)
                pthread_mutex_unlock(mutex)
            }
        }
        pthread_mutex_unlock(mutex)
    }

    /// Takes part in the loop just published, called with the mutex held; returns with it released and with no
    /// reference to the loop's body left (the calling thread's `withoutActuallyEscaping` checks that once `pending`
    /// says every helper is done).
    @inline(never)
    private func workOnCurrentLoop() {
        let body = self.body!
        let iterations = self.iterations
        pthread_mutex_unlock(mutex)
        work(body, iterations: iterations)
    }

    /// Returns when `done` is true or after about `spinNanoseconds`, whichever comes first.
    @inline(__always)
    private static func spin(until done: () -> Bool) {
        let deadline = DispatchTime.now().uptimeNanoseconds + spinNanoseconds
        while !done() {
            for _ in 0..<64 where done() { return }
            if DispatchTime.now().uptimeNanoseconds > deadline { return }
        }
    }

    // MARK: - The calling thread's pool

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The pool of the job running on this thread, if any (a thread-specific value: set by `TrainingThreads.run`).
    static var current: WorkerPool? {
        get { pthread_getspecific(key).map { Unmanaged<WorkerPool>.fromOpaque($0).takeUnretainedValue() } }
        set { pthread_setspecific(key, newValue.map { Unmanaged.passUnretained($0).toOpaque() }) }
    }
}
