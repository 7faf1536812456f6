import Foundation
import LogitAPI
import Hummingbird
import NIOCore

/// Reading request bodies, and writing answers with the API's JSON settings (`APIJSON`).
package enum APICoding {
    package static var encoder: JSONEncoder { APIJSON.encoder }

    /// Reads and decodes a JSON body, refusing bodies over `limit` bytes (413) and non-JSON content types (415).
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        try decode(type, from: try await jsonBody(of: request, limit: limit))
    }

    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        try JSONDecoder().decode(T.self, from: buffer)
    }

    /// The body of a request that must be JSON: 415 for another content type, 413 over `limit` bytes, 400 if empty.
    static func jsonBody(of request: Request, limit: Int) async throws -> ByteBuffer {
        if let contentType = request.headers[.contentType], !contentType.isEmpty,
           !contentType.lowercased().hasPrefix("application/json"),
           !contentType.lowercased().hasPrefix("application/x-www-form-urlencoded")  // curl -d's default
        {
            throw APIError(.unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE",
                           "send the body as application/json, not \(contentType)")
        }
        return try await body(of: request, limit: limit, expecting: "a JSON object ({} for the defaults)")
    }

    /// The whole body: 413 above `limit` bytes, 400 when empty (`expecting` says what to send instead).
    static func body(of request: Request, limit: Int, expecting: String) async throws -> ByteBuffer {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, code: "BODY_TOO_LARGE", "the body is larger than \(limit) bytes")
        }
        guard buffer.readableBytes > 0 else {
            throw APIError.badRequest("the body is empty; send \(expecting)", code: "EMPTY_BODY")
        }
        return buffer
    }
}

