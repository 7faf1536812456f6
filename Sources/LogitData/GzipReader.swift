import CZlib
import Foundation

/// Errors reading a data file, each with a sentence a user can act on.
public enum DataFileError: Error, CustomStringConvertible, Equatable {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    case corrupt(path: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path): "data file not found: \(path)"
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .corrupt(let path, let reason): "corrupt data file \(path): \(reason)"
        }
    }
}

/// Reads a whole file through zlib, which inflates gzip data and passes plain files through unchanged.
/// A truncated or damaged gzip stream is an error, never silently short data.
public enum GzipReader {
    public static func read(path: String) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else { throw DataFileError.missing(path: path) }
        guard let file = gzopen(path, "rb") else {
            throw DataFileError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { gzclose(file) }
        gzbuffer(file, 1 << 17)
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if count < 0 { throw corruption(file, path: path) }
            if count == 0 { break }
            output.append(contentsOf: chunk[0..<Int(count)])
        }
        // zlib reports a stream that ended early only through gzerror after the last read.
        var code: Int32 = 0
        _ = gzerror(file, &code)
        if code != Z_OK { throw corruption(file, path: path) }
        return output
    }

    /// The first `count` bytes of the file, inflated (fewer when the data is shorter): a header, without inflating
    /// the rest.
    public static func readPrefix(path: String, count: Int) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else { throw DataFileError.missing(path: path) }
        guard let file = gzopen(path, "rb") else {
            throw DataFileError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { gzclose(file) }
        var prefix = [UInt8](repeating: 0, count: count)
        let read = prefix.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
        if read < 0 { throw corruption(file, path: path) }
        return Array(prefix[0..<Int(read)])
    }

    private static func corruption(_ file: gzFile, path: String) -> DataFileError {
        var code: Int32 = 0
        let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown zlib error"
        return .corrupt(path: path, reason: code == Z_BUF_ERROR ? "the compressed data is truncated" : message)
    }
}
