import Foundation
import LogitCore

/// The data sets the service knows, loaded on first use and then held once in memory for every job, until they go
/// unused for `idleLimit` (then the next use loads them again).
///
/// Every folder of the data directory is a data set named after it: a folder with MNIST-named IDX files
/// (`train-images-idx3-ubyte.gz`, ...) needs nothing more; any other has a `dataset.json` manifest saying how to read
/// its CSV or HDF5 file. Debian's Fashion-MNIST package is picked up too. With `uploads`, uploaded data sets are
/// also kept there (the shared database) and fetched into the data directory when another replica uploaded them.
/// Listing them (`listing()`) loads none: see `DatasetSummary`.
public final class DatasetRegistry: @unchecked Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let directory: String
        public let description: String
        public let manifest: DatasetManifest
    }

    /// A loaded data set and when it was last asked for.
    private struct Held {
        let dataset: Dataset
        var lastUsed: ContinuousClock.Instant
    }

    public let dataDirectory: String
    public let uploads: (any UploadedDatasets)?
    /// How long a loaded data set may go unused before it is dropped from memory; nil keeps every one.
    public let idleLimit: Duration?
    private let lock = NSLock()
    private var held: [String: Held] = [:]
    private var loadCount = 0
    /// Summaries of folders, by directory, with the state of the files they were read from.
    private let summaryLock = NSLock()
    private var folderSummaries: [String: (stamp: [String], summary: DatasetSummary)] = [:]

    public init(dataDirectory: String, uploads: (any UploadedDatasets)? = nil, idleLimit: Duration? = nil) {
        self.dataDirectory = dataDirectory
        self.uploads = uploads
        self.idleLimit = idleLimit
    }

    /// How many times a data set has been read from its files: what a test watches to see that listing loads
    /// nothing and that an evicted data set is loaded again.
    public var loads: Int { lock.withLock { loadCount } }

    /// The data sets held in memory now.
    public var loadedNames: [String] { lock.withLock { held.keys.sorted() } }

    /// Drops the data sets unused for `idleLimit` by `now`; jobs still training on one keep their copy until they
    /// end. Returns the names dropped.
    @discardableResult
    public func evictIdle(now: ContinuousClock.Instant = .now) -> [String] {
        lock.withLock { evictIdleLocked(now: now) }
    }

    @discardableResult
    private func evictIdleLocked(now: ContinuousClock.Instant) -> [String] {
        guard let idleLimit else { return [] }
        let idle = held.filter { now - $0.value.lastUsed >= idleLimit }.keys.sorted()
        for name in idle { held[name] = nil }
        return idle
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

    /// The named data set, loading it the first time or after it was evicted (concurrent first calls load once).
    public func dataset(named name: String) throws -> Dataset {
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        evictIdleLocked(now: now)
        if let dataset = held[name]?.dataset {
            held[name]?.lastUsed = now
            return dataset
        }
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw LookupError.unknown(name: name, known: names)
        }
        let dataset = try entry.manifest.load(name: name, directory: entry.directory)
        loadCount += 1
        held[name] = Held(dataset: dataset, lastUsed: .now)
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
        let staging = dataDirectory + "/" + Self.stagingPrefix + UUID().uuidString
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

    /// How long a staging folder may go unchanged before it is taken for an upload whose process died: far longer
    /// than writing and loading any upload takes, and the data directory may be shared with a live replica.
    public static let abandonedStagingAge: Duration = .seconds(3600)

    /// Removes the staging folders of uploads that never finished (the process was killed while storing one):
    /// those unchanged for `age`. Returns their names.
    @discardableResult
    public func removeAbandonedStaging(age: Duration = abandonedStagingAge, now: Date = Date()) -> [String] {
        let fileManager = FileManager.default
        let folders = (try? fileManager.contentsOfDirectory(atPath: dataDirectory)) ?? []
        var removed: [String] = []
        for name in folders.sorted() where name.hasPrefix(Self.stagingPrefix) {
            let path = dataDirectory + "/" + name
            guard let changed = (try? fileManager.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  now.timeIntervalSince(changed) >= Double(age.components.seconds) else { continue }
            if (try? fileManager.removeItem(atPath: path)) != nil { removed.append(name) }
        }
        return removed
    }

    static let stagingPrefix = ".upload-"

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
        loadCount += 1
        held[name] = Held(dataset: dataset, lastUsed: .now)
    }

    /// Every data set's name: those of the data directory, then uploads kept elsewhere that it lacks.
    public func allNames() async throws -> [String] {
        let local = names
        guard let uploads else { return local }
        return local + (try await uploads.uploaded()).map(\.name).filter { !local.contains($0) }.sorted()
    }

    /// The summary of a folder's data set, read again only when its files change. nil when the format has no
    /// cheap summary (HDF5).
    func folderSummary(_ entry: Entry) throws -> DatasetSummary? {
        let stamp = Self.stamp(directory: entry.directory)
        if let known = summaryLock.withLock({ folderSummaries[entry.directory] }), known.stamp == stamp {
            return known.summary
        }
        guard let summary = try entry.manifest.summarize(directory: entry.directory) else { return nil }
        summaryLock.withLock { folderSummaries[entry.directory] = (stamp, summary) }
        return summary
    }

    /// The name, size and modification time of each file of a folder: cheap to read, and different when a file is
    /// replaced.
    private static func stamp(directory: String) -> [String] {
        let fileManager = FileManager.default
        return ((try? fileManager.contentsOfDirectory(atPath: directory)) ?? []).sorted().map { file in
            let attributes = try? fileManager.attributesOfItem(atPath: directory + "/" + file)
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(file) \(size) \(modified)"
        }
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
                  let manifest = try await uploads.uploaded().first(where: { $0.name == name })?.manifest
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
        if let uploads, try await uploads.uploaded().contains(where: { $0.name == name }) {
            throw LookupError.exists(name: name)
        }
        let (staging, dataset) = try await offload { try self.stage(name: name, file: file, manifest: manifest) }
        if let uploads {
            do {
                try await uploads.store(name: name, manifest: manifest, summary: DatasetSummary(dataset), contents: file)
            } catch {
                try? FileManager.default.removeItem(atPath: staging)
                throw error
            }
        }
        try await offload { try self.place(name: name, staging: staging, dataset: dataset) }
        return dataset
    }

    /// Every data set with its description and summary, without loading any: folders are summarized from their
    /// files' headers or labels, uploads by the summary stored with them. Two cases load once, and never again:
    /// an HDF5 folder added by hand (no cheap summary; remembered while its files do not change), and an upload
    /// stored before summaries were kept (its summary is then stored, for every replica).
    public func listing() async throws -> [DatasetListing] {
        let uploaded = try await uploads?.uploaded() ?? []
        let local = entries
        var listings: [DatasetListing] = []
        for entry in local {
            let upload = uploaded.first { $0.name == entry.name }
            let summary: DatasetSummary
            if let stored = upload?.summary {
                summary = stored
            } else if let read = try await offload({ try self.folderSummary(entry) }) {
                summary = read
            } else {
                summary = DatasetSummary(try await loaded(entry.name))
            }
            if upload != nil, upload?.summary == nil { try await uploads?.storeSummary(summary, of: entry.name) }
            listings.append(DatasetListing(name: entry.name, description: entry.description, summary: summary))
        }
        for upload in uploaded.sorted(by: { $0.name < $1.name }) where !local.contains(where: { $0.name == upload.name }) {
            let summary: DatasetSummary
            if let stored = upload.summary {
                summary = stored
            } else {
                summary = DatasetSummary(try await loaded(upload.name))
                try await uploads?.storeSummary(summary, of: upload.name)
            }
            listings.append(DatasetListing(
                name: upload.name, description: upload.manifest.description ?? "uploaded \(upload.manifest.format.rawValue)",
                summary: summary))
        }
        return listings
    }
}
