import Foundation

/// The fuzz targets by name. Each reads one input and stops the process (fatalError) on a finding: a crash, a
/// hang or a broken property is what libFuzzer reports.
enum FuzzTargets {
    static let all: [String: @Sendable (UnsafeRawBufferPointer) -> Void] = [
        "predict-body": PredictBodyTarget.run,
        "predict-handler": PredictHandlerTarget.run,
        "kserve-infer": InferenceTarget.run,
        "csv-dataset": DatasetFileTargets.csv,
        "hdf5-dataset": DatasetFileTargets.hdf5,
        "model-file": DatasetFileTargets.modelFile,
        "idx": DatasetFileTargets.idx,
    ]

    /// The target of this run, called from libFuzzer's C callback (which cannot capture it).
    nonisolated(unsafe) static var chosen: (UnsafeRawBufferPointer) -> Void = { _ in }

    /// A file of this process's own for the readers that take a path, on tmpfs when there is one.
    static func scratchFile(_ suffix: String) -> String {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return folder + "/logit-fuzz-\(getpid())\(suffix)"
    }

    static func write(_ bytes: UnsafeRawBufferPointer, to path: String) {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            fatalError("cannot write \(path): \(error)")
        }
    }
}
