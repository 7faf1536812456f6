import Foundation
import LogitCore
import LogitData
import LogitStore

/// The binary seeds of Fuzz/corpus (`logit-fuzz make-seeds Fuzz/corpus`): small valid HDF5 data sets and model
/// files as the service writes them, and IDX files, for the mutations to start from. The text seeds are plain files.
enum Seeds {
    static func write(to folder: String) throws {
        func path(_ target: String, _ name: String) throws -> String {
            try FileManager.default.createDirectory(atPath: folder + "/" + target, withIntermediateDirectories: true)
            return folder + "/" + target + "/" + name
        }
        try HDF5.write(path: path("hdf5-dataset", "train-only.h5"),
                       datasets: [("X", [4, 2], .floats([0, 1, 2, 3, 4, 5, 6, 7])), ("y", [4], .integers([0, 1, 0, 1]))],
                       attributes: [])
        try HDF5.write(path: path("hdf5-dataset", "with-test.h5"),
                       datasets: [("X", [3, 2], .floats([0, 1, 2, 3, 4, 5])), ("y", [3], .integers([2, 4, 4])),
                                  ("X_test", [2, 2], .floats([1, 1, 2, 2])), ("y_test", [2], .integers([4, 2]))],
                       attributes: [])

        func metadata(_ kind: ModelKind, classes: [ClassLabel], preprocessing: Preprocessing, imageShape: [Int]?)
            -> ModelVersionMetadata
        {
            ModelVersionMetadata(
                name: "seed", version: 1, kind: kind, classes: classes, preprocessing: preprocessing, featureCount: 4,
                imageShape: imageShape, dataset: "seed", hyperparameters: "{}", metrics: nil, trainingSeconds: 0,
                stopReason: "", epochsCompleted: 0, jobId: nil, createdAt: Date(timeIntervalSince1970: 0))
        }
        let three: [ClassLabel] = [.integer(0), .integer(1), .name("other")]
        try ModelFile.write(ModelVersion(
            metadata: metadata(.softmax, classes: three, preprocessing: .unit(divisor: 255), imageShape: [2, 2]),
            model: .linear(LinearModel(kind: .softmax, featureCount: 4, weights: (0..<12).map { Float($0) / 10 - 0.5 },
                                       biases: [0.1, 0, -0.1])), curves: []),
            to: path("model-file", "softmax-unit.h5"))
        try ModelFile.write(ModelVersion(
            metadata: metadata(.logistic, classes: [.integer(2), .integer(4)],
                               preprocessing: .standardize(mean: [1, 2, 3, 4], std: [1, 0.5, 2, 1]), imageShape: nil),
            model: .linear(LinearModel(kind: .logistic, featureCount: 4, weights: [0.5, -1, 2, 0], biases: [0.25])),
            curves: []),
            to: path("model-file", "logistic-standardize.h5"))
        let parameterCount = 4 * 2 + 2 + 2 * 3 + 3
        let parameters: [Float] = (0..<parameterCount).map { Float($0 % 5) / 4 - 0.5 }
        try ModelFile.write(ModelVersion(
            metadata: metadata(.mlp, classes: three, preprocessing: .none, imageShape: nil),
            model: .mlp(MLPModel(featureCount: 4, hiddenCount: 2, classCount: 3, activation: .relu,
                                 parameters: parameters)),
            curves: []),
            to: path("model-file", "mlp-none.h5"))
        // A file h5py could write: only the weights, the rest left to the defaults.
        try HDF5.write(path: path("model-file", "weights-only.h5"),
                       datasets: [("W", [2, 3], .floats([1, 0, -1, 0.5, 0.5, 0])), ("b", [2], .floats([0, 0.5]))],
                       attributes: [])

        // IDX: the first byte is the target's options (bit 0: images, bit 1: through zlib).
        let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2] + (0..<8).map { UInt8($0 * 30) }
        let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]
        try Data([1] + images).write(to: URL(fileURLWithPath: try path("idx", "images")))
        try Data([0] + labels).write(to: URL(fileURLWithPath: try path("idx", "labels")))
        try Data([3] + images).write(to: URL(fileURLWithPath: try path("idx", "images-file")))
        try Data([2] + gzip(labels)).write(to: URL(fileURLWithPath: try path("idx", "labels-gzip")))
    }

    /// Gzip by the system's gzip, as MNIST's files are compressed.
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -9 -n -c"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(compressed)
    }
}
