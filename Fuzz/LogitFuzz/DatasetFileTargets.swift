import Foundation
import LogitData
import LogitServing
import LogitStore

/// The readers of uploaded and local files: CSV and HDF5 data sets, HDF5 model imports, MNIST's IDX files. Malformed
/// input must be an error (never a crash or a hang), and a model file that is accepted must be servable.
enum DatasetFileTargets {
    /// The first byte chooses the layout (label column 0-3, a header line, a dropped column); the rest is the file.
    static func csv(_ bytes: UnsafeRawBufferPointer) {
        guard let options = bytes.first else { return }
        let path = FuzzTargets.scratchFile(".csv")
        FuzzTargets.write(UnsafeRawBufferPointer(rebasing: bytes.dropFirst()), to: path)
        let layout = CSVDatasetLoader.Layout(
            labelColumn: Int(options & 3), droppedColumns: options & 0x20 != 0 ? [Int(options >> 3 & 3)] : [],
            hasHeader: options & 4 != 0)
        _ = try? CSVDatasetLoader.load(name: "fuzz", path: path, layout: layout, defaultTask: nil)
    }

    static func hdf5(_ bytes: UnsafeRawBufferPointer) {
        let path = FuzzTargets.scratchFile(".h5")
        FuzzTargets.write(bytes, to: path)
        _ = try? HDF5DatasetLoader.load(name: "fuzz", path: path, defaultTask: nil)
    }

    static func modelFile(_ bytes: UnsafeRawBufferPointer) {
        let path = FuzzTargets.scratchFile(".h5")
        FuzzTargets.write(bytes, to: path)
        guard let version = try? ModelFile.read(path: path, name: "fuzz") else { return }
        // An accepted import is stored and served: it must take a row of the size it declares. Finite but extreme
        // parameters (a mean of 1e38) may still overflow a row's scores: that is the predictor's clean 400
        // (`cannotScore`); any other refusal means the import let through a model whose parts disagree.
        let predictor = Predictor(version)
        let row = [Float](repeating: 1, count: version.metadata.featureCount)
        do {
            _ = try row.withUnsafeBufferPointer { row in
                try predictor.predictOne(row, field: "pixels") { label, probabilities in (label, probabilities.count) }
            }
        } catch PredictionError.cannotScore {
            return
        } catch {
            fatalError("an imported model rejects a row of its \(version.metadata.featureCount) features: \(error)")
        }
    }

    /// The first byte: bit 0 chooses images (3 dimensions) or labels (1), bit 1 reading the bytes from a file through
    /// zlib (which also reads gzip, as MNIST's .gz files are) rather than from memory.
    static func idx(_ bytes: UnsafeRawBufferPointer) {
        guard let options = bytes.first else { return }
        let dimensions = options & 1 != 0 ? 3 : 1
        let content = UnsafeRawBufferPointer(rebasing: bytes.dropFirst())
        if options & 2 != 0 {
            let path = FuzzTargets.scratchFile(".idx")
            FuzzTargets.write(content, to: path)
            _ = try? IDXArray.read(path: path, expectedDimensions: dimensions)
        } else {
            _ = try? IDXArray(bytes: Array(content), path: "fuzz", expectedDimensions: dimensions)
        }
    }
}
