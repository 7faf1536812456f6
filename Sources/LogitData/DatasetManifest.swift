import Foundation

/// `dataset.json` in a data set's folder: how to read the file beside it. A folder of MNIST-named IDX files needs
/// none.
public struct DatasetManifest: Codable, Sendable, Equatable {
    public enum Format: String, Codable, Sendable {
        case csv
        case idx
        case hdf5
    }

    public var description: String?
    public var format: Format
    /// The data file (CSV or HDF5), relative to the folder.
    public var file: String?
    /// CSV: the column (0-based) holding the integer label.
    public var labelColumn: Int?
    /// CSV: columns to ignore (an id, say).
    public var dropColumns: [Int]?
    /// CSV: whether the first line names the columns.
    public var header: Bool?
    public var defaultTask: ClassificationTask?

    public init(description: String? = nil, format: Format, file: String? = nil, labelColumn: Int? = nil,
                dropColumns: [Int]? = nil, header: Bool? = nil, defaultTask: ClassificationTask? = nil) {
        self.description = description
        self.format = format
        self.file = file
        self.labelColumn = labelColumn
        self.dropColumns = dropColumns
        self.header = header
        self.defaultTask = defaultTask
    }

    enum CodingKeys: String, CodingKey {
        case description, format, file, header
        case labelColumn = "label_column"
        case dropColumns = "drop_columns"
        case defaultTask = "default_task"
    }

    public static let fileName = "dataset.json"

    public static func read(directory: String) throws -> DatasetManifest? {
        let path = directory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(DatasetManifest.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw DataFileError.corrupt(path: path, reason: "not a valid data set manifest: \(error)")
        }
    }

    /// The data set's summary without loading it, for the formats that allow it: IDX (headers and labels) and CSV
    /// (a scan of the labels). nil for HDF5, whose summary comes from the store (uploads) or from loading it once.
    public func summarize(directory: String) throws -> DatasetSummary? {
        switch format {
        case .idx:
            return try IDXDatasetLoader.summarize(directory: directory)
        case .csv:
            let layout = try csvLayout(directory: directory)
            return try CSVDatasetLoader.summarize(path: directory + "/" + layout.file, layout: layout.layout,
                                                  defaultTask: defaultTask)
        case .hdf5:
            return nil
        }
    }

    private func csvLayout(directory: String) throws -> (file: String, layout: CSVDatasetLoader.Layout) {
        guard let file, let labelColumn else {
            throw DataFileError.corrupt(path: directory + "/" + Self.fileName,
                                        reason: "a CSV data set needs 'file' and 'label_column'")
        }
        return (file, CSVDatasetLoader.Layout(labelColumn: labelColumn, droppedColumns: Set(dropColumns ?? []),
                                              hasHeader: header ?? false))
    }

    /// Loads the data set this manifest describes.
    public func load(name: String, directory: String) throws -> Dataset {
        switch format {
        case .idx:
            return try IDXDatasetLoader.load(name: name, directory: directory)
        case .csv:
            let layout = try csvLayout(directory: directory)
            return try CSVDatasetLoader.load(name: name, path: directory + "/" + layout.file, layout: layout.layout,
                                             defaultTask: defaultTask)
        case .hdf5:
            guard let file else {
                throw DataFileError.corrupt(path: directory + "/" + Self.fileName, reason: "an HDF5 data set needs 'file'")
            }
            return try HDF5DatasetLoader.load(name: name, path: directory + "/" + file, defaultTask: defaultTask)
        }
    }
}
