import Foundation
import Synchronization
import Testing
@testable import LogitCore

#if canImport(Glibc)
import Glibc
#endif

/// The threads jobs train on: every iteration of a parallel loop runs once, on the job's own threads, at the job's
/// nice value.
@Suite struct TrainingThreadsTests {
    struct Visit: Sendable {
        var iteration: Int
        var thread: UInt
        var nice: Int32
    }

    /// A value shared by the loop's threads behind an NSLock, whose pthread mutex ThreadSanitizer follows:
    /// `Synchronization.Mutex`'s contended path is in the uninstrumented runtime, so ThreadSanitizer would report the
    /// appends inside its `withLock` as racing each other now and then.
    final class Locked<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Value
        init(_ value: Value) { self.value = value }
        func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
            lock.lock()
            defer { lock.unlock() }
            return body(&value)
        }
    }

    /// Runs `body` as the scheduler runs a job, and waits for it.
    func runAsJob(helpers: Int, nice: Int, _ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            TrainingThreads.run(helpers: helpers, nice: nice) {
                body()
                finished.resume()
            }
        }
    }

    @Test func aJobsLoopsRunEveryIterationOnceOnItsOwnThreadsAtItsNiceValue() async {
        let visits = Locked<[Visit]>([])
        let jobThread = Locked<UInt>(0)
        let baseNice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        await runAsJob(helpers: 2, nice: 5) {
            jobThread.withLock { $0 = UInt(pthread_self()) }
            // Several loops in a row, as a trainer runs them; each iteration long enough for every helper to join.
            for loop in 0..<3 {
                TrainingThreads.parallelFor(iterations: 24) { iteration in
                    usleep(1000)
                    let visit = Visit(iteration: loop * 24 + iteration, thread: UInt(pthread_self()),
                                      nice: getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
                    visits.withLock { $0.append(visit) }
                }
            }
        }
        let seen = visits.withLock { $0 }
        #expect(seen.map(\.iteration).sorted() == Array(0..<72))
        // The job's thread and both helpers took part, all at the job's nice value (or the process's, if higher).
        #expect(Set(seen.map(\.thread)).count == 3)
        #expect(Set(seen.map(\.thread)).contains(jobThread.withLock { $0 }))
        #expect(seen.allSatisfy { $0.nice == max(baseNice, 5) })
        // The test's own thread keeps its priority.
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == baseNice)
    }

    /// Short loops one after another, as mini-batch steps run them: with no pause between them (the helpers catch
    /// each loop while spinning), and with pauses longer than the spin (they sleep and are woken). Every iteration of
    /// every loop runs exactly once, and each loop has ended when `parallelFor` returns.
    @Test func manyShortLoopsWithAndWithoutPausesLoseNoIteration() async {
        let loops = 3000
        let counts = UnsafeSendable(UnsafeMutableBufferPointer<Atomic<Int>>.allocate(capacity: loops * 2))
        for index in 0..<loops * 2 { (counts.value.baseAddress! + index).initialize(to: Atomic<Int>(0)) }
        defer { counts.value.deallocate() }
        let endedEarly = Atomic<Int>(0)
        await runAsJob(helpers: 1, nice: 0) {
            for loop in 0..<loops {
                TrainingThreads.parallelFor(iterations: 2) { iteration in
                    counts.value[loop * 2 + iteration].wrappingAdd(1, ordering: .relaxed)
                }
                for iteration in 0..<2 where counts.value[loop * 2 + iteration].load(ordering: .relaxed) != 1 {
                    endedEarly.wrappingAdd(1, ordering: .relaxed)
                }
                if loop % 100 == 99 { usleep(300) }
            }
        }
        #expect(endedEarly.load(ordering: .relaxed) == 0)
        #expect((0..<loops * 2).allSatisfy { counts.value[$0].load(ordering: .relaxed) == 1 })
    }

    /// Outside a job a loop runs on Dispatch's threads, at the caller's priority.
    @Test func outsideAJobLoopsRunOnDispatch() {
        let count = Atomic<Int>(0)
        TrainingThreads.parallelFor(iterations: 100) { _ in count.wrappingAdd(1, ordering: .relaxed) }
        #expect(count.load(ordering: .relaxed) == 100)
        #expect(WorkerPool.current == nil)
    }

    /// A training pass on the job's threads computes what it computes on Dispatch's.
    @Test func aPassOnAJobsThreadsMatchesTheSamePassOnDispatch() async throws {
        let data = sparseImages(rows: 3000, features: 64, classes: 4, seed: 3)
        let transform = FeatureTransform(.unit(divisor: 255), featureCount: 64)
        let objective = LinearObjective(data: data, transform: transform, kind: .softmax, classCount: 4, threads: 3)
        var generator = SeededGenerator(seed: 4)
        let parameters = (0..<objective.parameterCount).map { _ in Float.random(in: -0.1...0.1, using: &generator) }
        var expected = [Float](repeating: 0, count: objective.parameterCount)
        let expectedLoss = expected.withUnsafeMutableBufferPointer {
            objective.evaluate(parameters: parameters, gradient: $0.baseAddress!).lossSum
        }
        let result = Locked<(Double, [Float])>((0, []))
        let helpers = Locked<Int?>(nil)
        await runAsJob(helpers: 2, nice: 0) {
            helpers.withLock { $0 = WorkerPool.current?.helperCount }
            var gradient = [Float](repeating: 0, count: objective.parameterCount)
            let loss = gradient.withUnsafeMutableBufferPointer {
                objective.evaluate(parameters: parameters, gradient: $0.baseAddress!).lossSum
            }
            result.withLock { $0 = (loss, gradient) }
        }
        let (loss, gradient) = result.withLock { $0 }
        #expect(helpers.withLock { $0 } == 2)
        #expect(loss == expectedLoss)
        #expect(gradient == expected)
    }
}
