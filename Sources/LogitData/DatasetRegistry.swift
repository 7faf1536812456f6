import Dispatch
import Foundation
import LogitCore

/// The data sets the service knows, loaded on first use and then held once in memory for every job.
public final class DatasetRegistry: @unchecked Sendable {
    public struct Entry: Sendable {
        public enum Format: Sendable {
            case idx
            case csv(file: String, layout: CSVDatasetLoader.Layout, defaultTask: ClassificationTask)
        }

        public let name: String
        public let directory: String
        public let description: String
        public let format: Format
    }

    public let dataDirectory: String
    private let lock = NSLock()
    private var loaded: [String: Dataset] = [:]

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    /// Data sets that are present: MNIST bundled with the project, Fashion-MNIST when installed.
    public var entries: [Entry] {
        var entries: [Entry] = []
        let fileManager = FileManager.default
        let mnist = dataDirectory + "/mnist"
        if fileManager.fileExists(atPath: mnist) {
            entries.append(Entry(name: "mnist", directory: mnist, description: "MNIST handwritten digits, 28x28",
                                 format: .idx))
        }
        let breastCancer = dataDirectory + "/breast-cancer-wisconsin"
        if fileManager.fileExists(atPath: breastCancer + "/breast-cancer-wisconsin.data") {
            entries.append(Entry(
                name: "breast-cancer-wisconsin", directory: breastCancer,
                description: "Wisconsin breast cancer, 699 rows x 9 features, classes 2 (benign) and 4 (malignant)",
                format: .csv(file: "breast-cancer-wisconsin.data",
                             layout: CSVDatasetLoader.Layout(labelColumn: 10, droppedColumns: [0]),
                             defaultTask: .binary(positive: [4]))))
        }
        for directory in [dataDirectory + "/fashion-mnist", "/usr/share/datasets/fashion-mnist"]
        where fileManager.fileExists(atPath: directory + "/train-images-idx3-ubyte.gz") {
            entries.append(Entry(name: "fashion-mnist", directory: directory,
                                 description: "Fashion-MNIST clothing images, 28x28", format: .idx))
            break
        }
        return entries
    }

    public var names: [String] { entries.map(\.name) }

    public enum LookupError: Error, CustomStringConvertible {
        case unknown(name: String, known: [String])
        public var description: String {
            switch self {
            case .unknown(let name, let known): "unknown data set '\(name)'; available: \(known.joined(separator: ", "))"
            }
        }
    }

    /// The named data set, loading it the first time (concurrent first calls load once).
    public func dataset(named name: String) throws -> Dataset {
        lock.lock()
        defer { lock.unlock() }
        if let dataset = loaded[name] { return dataset }
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw LookupError.unknown(name: name, known: names)
        }
        let dataset: Dataset = switch entry.format {
        case .idx: try IDXDatasetLoader.load(name: name, directory: entry.directory)
        case .csv(let file, let layout, let task):
            try CSVDatasetLoader.load(name: name, path: entry.directory + "/" + file, layout: layout, defaultTask: task)
        }
        loaded[name] = dataset
        return dataset
    }
}

extension DatasetRegistry {
    /// The classes of a data set, loading it off the caller's thread if it is not loaded yet
    /// (reading MNIST takes a few hundred milliseconds: not work for an event loop or the cooperative pool).
    public func classes(of name: String) async throws -> [Int] {
        try await loaded(name).classes
    }

    /// The named data set, loaded off the caller's thread if need be.
    public func loaded(_ name: String) async throws -> Dataset {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try self.dataset(named: name) })
            }
        }
    }
}
