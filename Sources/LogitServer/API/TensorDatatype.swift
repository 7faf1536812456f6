/// The Open Inference Protocol datatypes an infer input may have, with their size in binary tensor data
/// (little-endian, row-major, as tritonclient's `numpy.tobytes()` writes them).
enum TensorDatatype: String, CaseIterable {
    case fp32 = "FP32", fp64 = "FP64"
    case uint8 = "UINT8", uint16 = "UINT16", uint32 = "UINT32", uint64 = "UINT64"
    case int8 = "INT8", int16 = "INT16", int32 = "INT32", int64 = "INT64"

    var byteSize: Int {
        switch self {
        case .uint8, .int8: 1
        case .uint16, .int16: 2
        case .fp32, .uint32, .int32: 4
        case .fp64, .uint64, .int64: 8
        }
    }

    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Converts `into.count` values of this type from `bytes` (exactly `into.count * byteSize` of them) to Float,
    /// in one pass with no allocation. The bytes may be unaligned: they sit after a JSON header of any length.
    func convert(_ bytes: UnsafeRawBufferPointer, into values: UnsafeMutableBufferPointer<Float>) {
        precondition(bytes.count == values.count * byteSize)
        switch self {
        case .uint8:
            for index in values.indices { values[index] = Float(bytes[index]) }
        case .int8: Self.convert(bytes, Int8.self, into: values)
        case .uint16: Self.convert(bytes, UInt16.self, into: values)
        case .int16: Self.convert(bytes, Int16.self, into: values)
        case .uint32: Self.convert(bytes, UInt32.self, into: values)
        case .int32: Self.convert(bytes, Int32.self, into: values)
        case .uint64: Self.convert(bytes, UInt64.self, into: values)
        case .int64: Self.convert(bytes, Int64.self, into: values)
        case .fp32:
            for index in values.indices {
                values[index] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
        case .fp64:
            for index in values.indices {
                values[index] = Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))))
            }
        }
    }

    private static func convert<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, _ type: T.Type,
                                                       into values: UnsafeMutableBufferPointer<Float>) {
        let size = MemoryLayout<T>.size
        for index in values.indices {
            values[index] = Float(T(littleEndian: bytes.loadUnaligned(fromByteOffset: index * size, as: T.self)))
        }
    }
}
