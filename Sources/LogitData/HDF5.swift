import CHDF5
import LogitCore
import Foundation

/// The few HDF5 operations Logit needs, over libhdf5. libhdf5 (serial build) is not thread-safe, so every call
/// goes through one lock; handles are closed as soon as their work is done.
public enum HDF5 {
    private static let lock: NSLock = {
        logit_H5_silence_errors()
        return NSLock()
    }()

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A numeric dataset read as Float or Int64, with its shape.
    public struct Array2D<Element> {
        public let shape: [Int]
        public let values: [Element]
    }

    /// A dataset to write: Float32 or Int64 values with a shape ([] for a scalar).
    public enum Values {
        case floats([Float])
        case integers([Int64])
    }

    /// An attribute of the file's root group.
    public enum Attribute: Equatable {
        case string(String)
        case integer(Int64)
        case float(Double)
    }

    /// Writes a new HDF5 file (replacing any file at `path`) holding the given datasets and root attributes.
    public static func write(path: String, datasets: [(name: String, shape: [Int], values: Values)],
                             attributes: [(name: String, value: Attribute)] = []) throws {
        try lock.withLock {
            let file = H5Fcreate(path, logit_H5F_ACC_TRUNC(), hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
            guard file >= 0 else { throw Failure(description: "cannot create \(path)") }
            defer { H5Fclose(file) }
            for (name, value) in attributes {
                let space = H5Screate(H5S_SCALAR)
                defer { H5Sclose(space) }
                let type: hid_t = switch value {
                case .string: logit_variable_string_type()
                case .integer: logit_H5T_NATIVE_INT64()
                case .float: logit_H5T_NATIVE_DOUBLE()
                }
                defer { if case .string = value { H5Tclose(type) } }
                let attribute = H5Acreate2(file, name, type, space, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
                guard attribute >= 0 else { throw Failure(description: "cannot create attribute '\(name)'") }
                defer { H5Aclose(attribute) }
                let status: herr_t
                switch value {
                case .string(let text):
                    status = text.withCString { pointer in
                        var pointers: [UnsafePointer<CChar>?] = [pointer]
                        return H5Awrite(attribute, type, &pointers)
                    }
                case .integer(var number): status = H5Awrite(attribute, type, &number)
                case .float(var number): status = H5Awrite(attribute, type, &number)
                }
                guard status >= 0 else { throw Failure(description: "cannot write attribute '\(name)'") }
            }
            for (name, shape, values) in datasets {
                var dimensions = shape.map { hsize_t($0) }
                let space = shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(shape.count), &dimensions, nil)
                defer { H5Sclose(space) }
                let type = switch values {
                case .floats: logit_H5T_NATIVE_FLOAT()
                case .integers: logit_H5T_NATIVE_INT64()
                }
                let dataset = H5Dcreate2(file, name, type, space, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
                guard dataset >= 0 else { throw Failure(description: "cannot create dataset '\(name)'") }
                defer { H5Dclose(dataset) }
                let status: herr_t = switch values {
                case .floats(let floats):
                    floats.withUnsafeBytes { H5Dwrite(dataset, type, hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), $0.baseAddress) }
                case .integers(let integers):
                    integers.withUnsafeBytes { H5Dwrite(dataset, type, hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), $0.baseAddress) }
                }
                guard status >= 0 else { throw Failure(description: "cannot write dataset '\(name)'") }
            }
        }
    }

    /// Reads a scalar attribute of the root group: a string (fixed or variable length), an integer or a float.
    /// nil when there is no such attribute.
    public static func readAttribute(path: String, name: String) throws -> Attribute? {
        try lock.withLock {
            let file = try openForReading(path)
            defer { H5Fclose(file) }
            let exists = H5Aexists(file, name)
            guard exists >= 0 else { throw Failure(description: "cannot look up attribute '\(name)'") }
            guard exists > 0 else { return nil }
            let attribute = H5Aopen(file, name, hid_t(H5P_DEFAULT))
            guard attribute >= 0 else { throw Failure(description: "cannot open attribute '\(name)'") }
            defer { H5Aclose(attribute) }
            let space = H5Aget_space(attribute)
            defer { H5Sclose(space) }
            // Only single values are read here: an array attribute would overflow the scalar buffers below.
            guard H5Sget_simple_extent_npoints(space) == 1 else {
                throw Failure(description: "attribute '\(name)' must be a single value")
            }
            let type = H5Aget_type(attribute)
            defer { H5Tclose(type) }
            switch H5Tget_class(type) {
            case H5T_STRING:
                if H5Tis_variable_str(type) > 0 {
                    let memoryType = logit_variable_string_type()
                    defer { H5Tclose(memoryType) }
                    var pointer: UnsafeMutablePointer<CChar>?
                    guard H5Aread(attribute, memoryType, &pointer) >= 0, let pointer else {
                        throw Failure(description: "cannot read attribute '\(name)'")
                    }
                    defer { H5free_memory(pointer) }
                    return .string(String(cString: pointer))
                }
                let size = H5Tget_size(type)
                guard size > 0, size < 1 << 20 else { throw Failure(description: "attribute '\(name)' is too long") }
                var bytes = [UInt8](repeating: 0, count: size + 1)
                guard H5Aread(attribute, type, &bytes) >= 0 else { throw Failure(description: "cannot read attribute '\(name)'") }
                return .string(String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self))
            case H5T_INTEGER:
                var value: Int64 = 0
                guard H5Aread(attribute, logit_H5T_NATIVE_INT64(), &value) >= 0 else {
                    throw Failure(description: "cannot read attribute '\(name)'")
                }
                return .integer(value)
            case H5T_FLOAT:
                var value: Double = 0
                guard H5Aread(attribute, logit_H5T_NATIVE_DOUBLE(), &value) >= 0 else {
                    throw Failure(description: "cannot read attribute '\(name)'")
                }
                return .float(value)
            default:
                throw Failure(description: "attribute '\(name)' is neither a string nor a number")
            }
        }
    }

    /// Opens `path` read-only, through the driver of read_only_driver.h (CHDF5): libhdf5 1.10's own drivers crashed
    /// on damaged files (found by Fuzz/). Closing it closes it for good, with any object libhdf5 left open after an
    /// error, rather than keeping it, and the state the error left behind, for the next open of the same path.
    private static func openForReading(_ path: String) throws -> hid_t {
        let access = logit_read_only_access()
        guard access >= 0 else { throw Failure(description: "cannot set up libhdf5 to read \(path)") }
        defer { H5Pclose(access) }
        let file = H5Fopen(path, logit_H5F_ACC_RDONLY(), access)
        guard file >= 0 else { throw Failure(description: "cannot open \(path) as HDF5") }
        return file
    }

    /// Whether the file at `path` is an HDF5 file.
    public static func isHDF5(path: String) -> Bool {
        lock.withLock { H5Fis_hdf5(path) > 0 }
    }

    /// Reads a numeric dataset of the file at `path` as Float (converted by libhdf5 from any numeric type); nil when
    /// the file has no such dataset.
    public static func readFloats(path: String, dataset: String) throws -> Array2D<Float>? {
        try read(path: path, dataset: dataset, memoryType: logit_H5T_NATIVE_FLOAT(), zero: Float(0))
    }

    /// Reads a numeric dataset as Int64; nil when the file has no such dataset.
    public static func readIntegers(path: String, dataset: String) throws -> Array2D<Int64>? {
        try read(path: path, dataset: dataset, memoryType: logit_H5T_NATIVE_INT64(), zero: Int64(0))
    }

    /// nil when the file has no such dataset.
    private static func read<Element>(path: String, dataset name: String, memoryType: hid_t, zero: Element) throws
        -> Array2D<Element>?
    {
        try lock.withLock {
            guard H5Fis_hdf5(path) > 0 else { throw Failure(description: "\(path) is not an HDF5 file") }
            let file = try openForReading(path)
            defer { H5Fclose(file) }
            // A failed lookup is an error, not an absent dataset: reading on after libhdf5 failed to allocate for a
            // damaged file copied from a NULL buffer (found by Fuzz/).
            let exists = H5Lexists(file, name, hid_t(H5P_DEFAULT))
            guard exists >= 0 else { throw Failure(description: "cannot look up dataset '\(name)'") }
            guard exists > 0 else { return nil }
            let dataset = H5Dopen2(file, name, hid_t(H5P_DEFAULT))
            guard dataset >= 0 else { throw Failure(description: "cannot open dataset '\(name)'") }
            defer { H5Dclose(dataset) }
            let space = H5Dget_space(dataset)
            defer { H5Sclose(space) }
            let rank = Int(H5Sget_simple_extent_ndims(space))
            guard (0...2).contains(rank) else { throw Failure(description: "dataset '\(name)' has \(rank) dimensions") }
            var dimensions = [hsize_t](repeating: 0, count: max(rank, 1))
            H5Sget_simple_extent_dims(space, &dimensions, nil)
            // Sizes come from the file: checked, since converting or multiplying them unchecked trapped.
            let limit = 1 << 30
            let shape = rank == 0 ? [] : dimensions.map { Int(exactly: $0) ?? limit + 1 }
            let count = shape.reduce(1) { count, size in
                let (product, overflow) = count.multipliedReportingOverflow(by: size)
                return overflow ? limit + 1 : product
            }
            guard count <= limit else { throw Failure(description: "dataset '\(name)' is too large") }
            // Nor more values than the file can hold: deflate packs at most about 1,032 bytes into one, so a file
            // of a few kilobytes that declares a billion values is refused before they are allocated.
            let fileSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            guard count / 1100 <= fileSize else {
                throw Failure(description: "dataset '\(name)' declares \(shape) values, more than the file holds")
            }
            // Only numbers of at most 16 bytes: libhdf5 sizes its conversion buffer by the stored type, so a few
            // kilobytes declaring gigabyte-sized values took gigabytes before the read failed.
            let storedType = H5Dget_type(dataset)
            guard storedType >= 0 else { throw Failure(description: "dataset '\(name)' has no readable type") }
            defer { H5Tclose(storedType) }
            let typeClass = H5Tget_class(storedType)
            guard typeClass == H5T_INTEGER || typeClass == H5T_FLOAT, H5Tget_size(storedType) <= 16 else {
                throw Failure(description: "dataset '\(name)' is not numeric")
            }
            // And only the standard layouts of numbers (shim.h): a damaged type crashed libhdf5's conversion.
            guard logit_is_standard_number(storedType) != 0 else {
                throw Failure(description: "dataset '\(name)' is not stored as a standard integer or float")
            }
            // Unchunked storage must hold every value exactly: libhdf5 1.10 copied to address 0 reading a damaged
            // file whose storage did not match its shape.
            let properties = H5Dget_create_plist(dataset)
            defer { H5Pclose(properties) }
            if properties >= 0, H5Pget_layout(properties) != H5D_CHUNKED,
               H5Dget_storage_size(dataset) != hsize_t(count) * hsize_t(H5Tget_size(storedType)) {
                throw Failure(description: "dataset '\(name)' stores \(H5Dget_storage_size(dataset)) bytes for \(shape) values")
            }
            var values = [Element](repeating: zero, count: count)
            let status = values.withUnsafeMutableBytes {
                H5Dread(dataset, memoryType, hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), $0.baseAddress)
            }
            guard status >= 0 else { throw Failure(description: "dataset '\(name)' is not numeric") }
            return Array2D(shape: shape, values: values)
        }
    }
}

/// An HDF5 file with datasets `X` (rows x features) and `y` (rows, integer labels), and optionally `X_test`/`y_test`.
public enum HDF5DatasetLoader {
    public static func load(name: String, path: String, defaultTask: ClassificationTask?) throws -> Dataset {
        guard FileManager.default.fileExists(atPath: path) else { throw DataFileError.missing(path: path) }
        func pair(_ x: String, _ y: String, required: Bool) throws -> (FeatureMatrix, [Int32])? {
            let features = try HDF5.readFloats(path: path, dataset: x)
            let labels = try HDF5.readIntegers(path: path, dataset: y)
            guard let features, let labels else {
                if required || features != nil || labels != nil {
                    throw DataFileError.corrupt(path: path, reason: "needs both datasets '\(x)' and '\(y)'")
                }
                return nil
            }
            guard features.shape.count == 2, features.shape[0] > 0, features.shape[1] > 0 else {
                throw DataFileError.corrupt(path: path, reason: "'\(x)' must be a rows x features matrix")
            }
            guard labels.shape == [features.shape[0]] else {
                throw DataFileError.corrupt(path: path, reason: "'\(y)' must hold one label per row of '\(x)'")
            }
            guard features.values.allSatisfy(\.isFinite) else {
                throw DataFileError.corrupt(path: path, reason: "'\(x)' holds NaN or infinite values")
            }
            guard labels.values.allSatisfy({ Int32(exactly: $0) != nil }) else {
                throw DataFileError.corrupt(path: path, reason: "'\(y)' holds labels out of the 32-bit range")
            }
            return (FeatureMatrix(floats: features.values, rowCount: features.shape[0], columnCount: features.shape[1]),
                    labels.values.map { Int32($0) })
        }
        let (train, trainLabels) = try pair("X", "y", required: true)!
        let test = try pair("X_test", "y_test", required: false)
        if let test, test.0.columnCount != train.columnCount {
            throw DataFileError.corrupt(path: path, reason: "'X_test' has a different number of features than 'X'")
        }
        let classes = Set(trainLabels).sorted()
        guard classes.count >= 2 else {
            throw DataFileError.corrupt(path: path, reason: "the labels take only one value; a classifier needs two or more")
        }
        let largest = (train.rowCount > 0 ? (0..<train.rowCount).flatMap { train.row($0) }.map(abs).max() : nil) ?? 1
        return Dataset(
            name: name, train: train, trainLabels: trainLabels, test: test?.0, testLabels: test?.1 ?? [],
            imageShape: nil, defaultPreprocess: .standardize, unitDivisor: largest > 0 ? largest : 1,
            defaultTask: defaultTask ?? (classes.count == 2 ? .binary(positive: [Int(classes[1])]) : .multiclass))
    }
}
