import Foundation
import LogitCore

/// Reads comma-separated tabular data: numeric features, one integer label column, optional columns to drop, and
/// `?` or an empty field for a missing value, which is replaced by the median of its column.
public enum CSVDatasetLoader {
    public struct Layout: Sendable {
        public var labelColumn: Int
        public var droppedColumns: Set<Int>
        public var hasHeader: Bool

        public init(labelColumn: Int, droppedColumns: Set<Int> = [], hasHeader: Bool = false) {
            self.labelColumn = labelColumn
            self.droppedColumns = droppedColumns
            self.hasHeader = hasHeader
        }
    }

    /// `defaultTask` nil: multiclass when the labels have more than two values, else binary with the larger as
    /// positive.
    public static func load(name: String, path: String, layout: Layout, defaultTask: ClassificationTask?) throws
        -> Dataset
    {
        let lines = try dataLines(path: path, layout: layout)
        var features: [[Float?]] = []
        var labels: [Int32] = []
        var columnCount: Int?
        for (index, line) in lines.enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if let columnCount, fields.count != columnCount {
                throw DataFileError.corrupt(path: path, reason: "line \(index + 1) has \(fields.count) fields, not \(columnCount)")
            }
            columnCount = fields.count
            guard layout.labelColumn < fields.count, let label = Int32(fields[layout.labelColumn]) else {
                throw DataFileError.corrupt(path: path, reason: "line \(index + 1) has no integer label")
            }
            labels.append(label)
            var row: [Float?] = []
            for (column, field) in fields.enumerated()
            where column != layout.labelColumn && !layout.droppedColumns.contains(column) {
                if field == "?" || field.isEmpty {
                    row.append(nil)
                } else if let value = Float(field), value.isFinite {
                    row.append(value)
                } else {
                    throw DataFileError.corrupt(path: path, reason: "line \(index + 1): '\(field)' is not a number")
                }
            }
            features.append(row)
        }
        let width = features[0].count
        guard width > 0 else {
            throw DataFileError.corrupt(path: path, reason: "no feature columns besides the label (and dropped columns)")
        }
        var medians = [Float](repeating: 0, count: width)
        for column in 0..<width {
            let present = features.compactMap { $0[column] }.sorted()
            guard !present.isEmpty else { continue }
            let middle = present.count / 2
            medians[column] = present.count % 2 == 1 ? present[middle] : (present[middle - 1] + present[middle]) / 2
        }
        let values = features.flatMap { row in row.enumerated().map { $0.element ?? medians[$0.offset] } }
        let largest = values.map(abs).max() ?? 1
        let defaultTask = try task(defaultTask, classes: Set(labels).sorted().map(Int.init), path: path)
        return Dataset(
            name: name, train: FeatureMatrix(floats: values, rowCount: features.count, columnCount: width),
            trainLabels: labels, test: nil, testLabels: [], imageShape: nil, defaultPreprocess: .standardize,
            unitDivisor: largest > 0 ? largest : 1, defaultTask: defaultTask)
    }

    /// The file's summary from one pass over its lines that reads only the label of each row (no numbers are
    /// parsed, nothing is kept): rows, features and classes as `load` would find them. A bad feature value is
    /// found when the data set is loaded for a job.
    public static func summarize(path: String, layout: Layout, defaultTask: ClassificationTask?) throws
        -> DatasetSummary
    {
        let lines = try dataLines(path: path, layout: layout)
        var classes = Set<Int>()
        var columnCount: Int?
        for (index, line) in lines.enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if let columnCount, fields.count != columnCount {
                throw DataFileError.corrupt(path: path, reason: "line \(index + 1) has \(fields.count) fields, not \(columnCount)")
            }
            columnCount = fields.count
            guard layout.labelColumn < fields.count,
                  let label = Int32(fields[layout.labelColumn].trimmingCharacters(in: .whitespaces))
            else { throw DataFileError.corrupt(path: path, reason: "line \(index + 1) has no integer label") }
            classes.insert(Int(label))
        }
        let width = (0..<(columnCount ?? 0)).count { $0 != layout.labelColumn && !layout.droppedColumns.contains($0) }
        guard width > 0 else {
            throw DataFileError.corrupt(path: path, reason: "no feature columns besides the label (and dropped columns)")
        }
        let sorted = classes.sorted()
        return DatasetSummary(features: width, trainRows: lines.count, testRows: nil, classes: sorted, imageShape: nil,
                              defaultTask: try task(defaultTask, classes: sorted, path: path),
                              defaultPreprocess: .standardize)
    }

    /// The non-blank lines of the file, without the header.
    private static func dataLines(path: String, layout: Layout) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { throw DataFileError.missing(path: path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataFileError.unreadable(path: path, reason: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DataFileError.corrupt(path: path, reason: "not UTF-8 text; a CSV data set is comma-separated text")
        }
        var lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        if layout.hasHeader, !lines.isEmpty { lines.removeFirst() }
        guard !lines.isEmpty else { throw DataFileError.corrupt(path: path, reason: "no rows") }
        return lines
    }

    /// The manifest's task, else binary (the larger label positive) for two classes and multiclass for more.
    private static func task(_ given: ClassificationTask?, classes: [Int], path: String) throws -> ClassificationTask {
        guard classes.count >= 2 else {
            throw DataFileError.corrupt(path: path, reason: "the labels take only one value; a classifier needs two or more")
        }
        return given ?? (classes.count == 2 ? .binary(positive: [classes[1]]) : .multiclass)
    }
}
