import CZlib
import Foundation
import Testing
@testable import LogitData

/// The repository's bundled data folder.
let dataDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("data").path

func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let path = directory.appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// gzip-compresses bytes through zlib's gz* functions (level 9, no name or time in the header). In process:
/// a child process would inherit the descriptors, and so the HDF5 file locks, of files other tests have open.
func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let path = try temporaryFile("plain", bytes) + ".gz"
    guard let file = gzopen(path, "wb9") else { throw CocoaError(.fileWriteUnknown) }
    let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
    guard gzclose(file) == Z_OK, written == bytes.count else { throw CocoaError(.fileWriteUnknown) }
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

func idxLabels(_ labels: [UInt8], claimedCount: UInt32? = nil) -> [UInt8] {
    let count = claimedCount ?? UInt32(labels.count)
    return [0, 0, 8, 1] + withUnsafeBytes(of: count.bigEndian, Array.init) + labels
}

@Suite struct IDXReaderTests {
    @Test func bundledMNISTHasTheDocumentedShapeAndLabels() throws {
        let mnist = try IDXDatasetLoader.load(name: "mnist", directory: dataDirectory + "/mnist")
        #expect(mnist.train.rowCount == 60000)
        #expect(mnist.test?.rowCount == 10000)
        #expect(mnist.featureCount == 784)
        #expect(mnist.classes == Array(0...9))
        let trainCounts = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
        let testCounts = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
        #expect((0...9).map { mnist.histogram(of: mnist.trainLabels)[$0] } == trainCounts)
        #expect((0...9).map { mnist.histogram(of: mnist.testLabels)[$0] } == testCounts)
        // Pixels stay bytes in memory.
        guard case .bytes(let pixels) = mnist.train.storage else {
            Issue.record("MNIST pixels should be held as UInt8")
            return
        }
        #expect(pixels.count == 60000 * 784)
    }

    @Test func readsAGzippedFile() throws {
        let path = try temporaryFile("labels.gz", try gzip(idxLabels([3, 1, 4])))
        let array = try IDXArray.read(path: path, expectedDimensions: 1)
        #expect(array.dimensions == [3])
        #expect(array.values == [3, 1, 4])
    }

    @Test func aMissingFileIsAClearError() {
        #expect(throws: DataFileError.missing(path: "/nonexistent/x.gz")) {
            try IDXArray.read(path: "/nonexistent/x.gz", expectedDimensions: 1)
        }
    }

    @Test func aTruncatedGzipStreamIsAnError() throws {
        let compressed = try gzip(idxLabels([UInt8](repeating: 7, count: 5000)))
        let path = try temporaryFile("cut.gz", Array(compressed.prefix(compressed.count / 2)))
        #expect {
            try IDXArray.read(path: path, expectedDimensions: 1)
        } throws: { error in
            String(describing: error).contains("truncated") || String(describing: error).contains("corrupt")
        }
    }

    @Test func aWrongMagicNumberIsAnError() throws {
        let path = try temporaryFile("bad", [0x50, 0x4B, 3, 4] + [UInt8](repeating: 0, count: 20))
        #expect {
            try IDXArray.read(path: path, expectedDimensions: 1)
        } throws: { String(describing: $0).contains("magic") }
    }

    @Test func dataShorterOrLongerThanTheHeaderSaysIsAnError() throws {
        for (claimed, actual) in [(10, 9), (10, 11)] {
            let bytes = idxLabels([UInt8](repeating: 1, count: actual), claimedCount: UInt32(claimed))
            #expect {
                try IDXArray(bytes: bytes, path: "labels", expectedDimensions: 1)
            } throws: { String(describing: $0).contains("announces") }
        }
    }

    /// Found by the idx fuzz target (Fuzz/): sizes whose product overflows stopped the process.
    @Test func sizesWhoseProductOverflowsAreAnError() throws {
        let bytes: [UInt8] = [0, 0, 8, 3] + [UInt8](repeating: 0xFF, count: 12) + [1, 2, 3]
        #expect {
            try IDXArray(bytes: bytes, path: "images", expectedDimensions: 3)
        } throws: { String(describing: $0).contains("announces") }
    }

    @Test func imagesWithLabelsOfAnotherCountAreRejected() throws {
        let directory = try temporaryFile("x", []).split(separator: "/").dropLast().joined(separator: "/")
        let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 10, 20]
        for prefix in ["train", "t10k"] {
            try Data(try gzip(images)).write(to: URL(fileURLWithPath: "/\(directory)/\(prefix)-images-idx3-ubyte.gz"))
            try Data(try gzip(idxLabels([1, 2, 3]))).write(to: URL(fileURLWithPath: "/\(directory)/\(prefix)-labels-idx1-ubyte.gz"))
        }
        #expect {
            try IDXDatasetLoader.load(name: "tiny", directory: "/" + directory)
        } throws: { String(describing: $0).contains("3 labels for 2 images") }
    }
}
