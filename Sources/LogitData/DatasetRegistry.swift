import Foundation
import LogitCore

/// The data sets the service knows, loaded on first use and then held once in memory for every job.
///
/// Every folder of the data directory is a data set named after it: a folder with MNIST-named IDX files
/// (`train-images-idx3-ubyte.gz`, ...) needs nothing more; any other has a `dataset.json` manifest saying how to read
/// its CSV or HDF5 file. Debian's Fashion-MNIST package is picked up too. With `uploads`, uploaded data sets are
/// also kept there (the shared database) and fetched into the data directory when another replica uploaded them.
public final class DatasetRegistry: @unchecked Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let directory: String
        public let description: String
        public let manifest: DatasetManifest
    }

    public let dataDirectory: String
    public let uploads: (any UploadedDatasets)?
    private let lock = NSLock()
    private var loaded: [String: Dataset] = [:]

    public init(dataDirectory: String, uploads: (any UploadedDatasets)? = nil) {
        self.dataDirectory = dataDirectory
        self.uploads = uploads
    }

    static let systemFashionMNIST = "/usr/share/datasets/fashion-mnist"

    /// The data sets present now, by name.
    public var entries: [Entry] {
        let fileManager = FileManager.default
        var entries: [Entry] = []
        let folders = ((try? fileManager.contentsOfDirectory(atPath: dataDirectory)) ?? []).sorted()
        for name in folders where !name.hasPrefix(".") && Self.isValidName(name) {
            let directory = dataDirectory + "/" + name
            if let entry = Self.entry(name: name, directory: directory) { entries.append(entry) }
        }
        if !entries.contains(where: { $0.name == "fashion-mnist" }),
           let entry = Self.entry(name: "fashion-mnist", directory: Self.systemFashionMNIST) {
            entries.append(entry)
        }
        return entries
    }

    private static func entry(name: String, directory: String) -> Entry? {
        if let manifest = try? DatasetManifest.read(directory: directory) {
            return Entry(name: name, directory: directory,
                         description: manifest.description ?? "\(manifest.format.rawValue.uppercased()) data set",
                         manifest: manifest)
        }
        if FileManager.default.fileExists(atPath: directory + "/train-images-idx3-ubyte.gz") {
            let description = name == "fashion-mnist" ? "Fashion-MNIST clothing images, 28x28" : "IDX images"
            return Entry(name: name, directory: directory, description: description,
                         manifest: DatasetManifest(format: .idx))
        }
        return nil
    }

    public var names: [String] { entries.map(\.name) }

    /// Names of data sets: 1-64 characters of A-Z a-z 0-9 . _ -, and not "." or ".." (they are folder names, and
    /// appear in URL paths). Models are named by the same rule (LogitStore's `ModelName`).
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name != "." && name != ".."
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }

    public enum LookupError: Error, CustomStringConvertible, Equatable {
        case unknown(name: String, known: [String])
        case exists(name: String)
        public var description: String {
            switch self {
            case .unknown(let name, let known): "unknown data set '\(name)'; available: \(known.joined(separator: ", "))"
            case .exists(let name): "a data set named '\(name)' exists already"
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
        let dataset = try entry.manifest.load(name: name, directory: entry.directory)
        loaded[name] = dataset
        return dataset
    }

    /// Adds a data set from one file (CSV or HDF5) and its manifest. The file is written to a hidden folder, loaded
    /// to prove it reads, and only then renamed into place, so a bad upload leaves nothing behind.
    @discardableResult
    public func add(name: String, file contents: Data, manifest: DatasetManifest) throws -> Dataset {
        let (staging, dataset) = try stage(name: name, file: contents, manifest: manifest)
        try place(name: name, staging: staging, dataset: dataset)
        return dataset
    }

    /// Writes the file and its manifest to a hidden folder of the data directory and loads it from there.
    private func stage(name: String, file contents: Data, manifest: DatasetManifest) throws -> (String, Dataset) {
        precondition(Self.isValidName(name), "invalid data set name")
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: dataDirectory + "/" + name) || name == "fashion-mnist" {
            throw LookupError.exists(name: name)
        }
        let staging = dataDirectory + "/.upload-\(UUID().uuidString)"
        try fileManager.createDirectory(atPath: staging, withIntermediateDirectories: true)
        do {
            let fileName = manifest.file ?? "data"
            try contents.write(to: URL(fileURLWithPath: staging + "/" + fileName))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: staging + "/" + DatasetManifest.fileName))
            return (staging, try manifest.load(name: name, directory: staging))
        } catch {
            try? fileManager.removeItem(atPath: staging)
            throw error
        }
    }

    /// Renames a staged data set into place and keeps it loaded.
    private func place(name: String, staging: String, dataset: Dataset) throws {
        let fileManager = FileManager.default
        let target = dataDirectory + "/" + name
        lock.lock()
        defer { lock.unlock() }
        do {
            if fileManager.fileExists(atPath: target) { throw LookupError.exists(name: name) }
            try fileManager.moveItem(atPath: staging, toPath: target)
        } catch {
            try? fileManager.removeItem(atPath: staging)
            throw error
        }
        loaded[name] = dataset
    }

    /// Every data set's name: those of the data directory, then uploads kept elsewhere that it lacks.
    public func allNames() async throws -> [String] {
        let local = names
        guard let uploads else { return local }
        return local + (try await uploads.manifests()).map(\.name).filter { !local.contains($0) }.sorted()
    }

    /// The description of a data set `allNames()` lists.
    public func description(of name: String) async throws -> String {
        if let entry = entries.first(where: { $0.name == name }) { return entry.description }
        let manifest = try await uploads?.manifests().first { $0.name == name }?.manifest
        return manifest?.description ?? "uploaded \(manifest?.format.rawValue ?? "file")"
    }
}

extension DatasetRegistry {
    /// The named data set, loaded off the caller's thread if need be (reading MNIST takes a few hundred
    /// milliseconds: not work for an event loop or the cooperative pool).
    /// An upload kept in `uploads` that the data directory lacks is fetched into it first.
    public func loaded(_ name: String) async throws -> Dataset {
        do {
            return try await offload { try self.dataset(named: name) }
        } catch LookupError.unknown {
            guard Self.isValidName(name), let uploads, let contents = try await uploads.contents(of: name),
                  let manifest = try await uploads.manifests().first(where: { $0.name == name })?.manifest
            else { throw LookupError.unknown(name: name, known: try await allNames()) }
            return try await offload {
                do {
                    let (staging, dataset) = try self.stage(name: name, file: contents, manifest: manifest)
                    try self.place(name: name, staging: staging, dataset: dataset)
                    return dataset
                } catch LookupError.exists {
                    return try self.dataset(named: name)  // fetched meanwhile by another request
                }
            }
        }
    }

    /// `add(name:file:manifest:)` off the caller's thread; with `uploads`, the upload is kept there too, before it
    /// is put in place (a name another replica took meanwhile is refused).
    public func adding(name: String, file: Data, manifest: DatasetManifest) async throws -> Dataset {
        if let uploads, try await uploads.manifests().contains(where: { $0.name == name }) {
            throw LookupError.exists(name: name)
        }
        let (staging, dataset) = try await offload { try self.stage(name: name, file: file, manifest: manifest) }
        if let uploads {
            do {
                try await uploads.store(name: name, manifest: manifest, contents: file)
            } catch {
                try? FileManager.default.removeItem(atPath: staging)
                throw error
            }
        }
        try await offload { try self.place(name: name, staging: staging, dataset: dataset) }
        return dataset
    }
}
