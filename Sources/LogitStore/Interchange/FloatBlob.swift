import Foundation

/// Float32 arrays as little-endian bytes, whatever the host's byte order.
enum FloatBlob {
    static func encode(_ values: [Float]) -> Data {
        var data = Data(capacity: values.count * 4)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    struct MalformedBlob: Error {}

    static func decode(_ data: Data) throws -> [Float] {
        guard data.count % 4 == 0 else { throw MalformedBlob() }
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}
