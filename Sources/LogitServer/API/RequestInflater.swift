import CZlib
import NIOCore

/// Inflates a request body sent with `Content-Encoding: gzip` or `deflate` (tritonclient's
/// `request_compression_algorithm`). zlib detects the gzip or zlib wrapper itself. The inflated body is held to
/// `limit` bytes (413 beyond), so a small compressed body cannot grow without bound.
enum RequestInflater {
    static func inflate(_ body: ByteBuffer, limit: Int) throws -> ByteBuffer {
        var stream = z_stream()
        // 15 + 32: the largest window, and a gzip or a zlib header, whichever the data has.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw APIError(.internalServerError, code: "INTERNAL", "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var output = ByteBuffer()
        try body.withUnsafeReadableBytes { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = UInt32(input.count)
            var status = Z_OK
            while status != Z_STREAM_END {
                let written = output.writeWithUnsafeMutableBytes(minimumWritableBytes: 1 << 16) { out in
                    stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                    stream.avail_out = UInt32(out.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return out.count - Int(stream.avail_out)
                }
                guard output.readableBytes <= limit else {
                    throw APIError(.contentTooLarge, code: "BODY_TOO_LARGE", "the inflated body is larger than \(limit) bytes")
                }
                // Z_BUF_ERROR (or no progress) means the data ended before the stream did.
                guard status == Z_OK || status == Z_STREAM_END, written > 0 || stream.avail_in > 0 || status == Z_STREAM_END
                else {
                    throw APIError.badRequest("the body is not complete gzip or deflate data, as its Content-Encoding says",
                                              code: "INVALID_ENCODING")
                }
            }
        }
        return output
    }
}
