import Hummingbird
import NIOCore

/// The `text/event-stream` answers of the live streams (a job's curve, a sweep's points): each event is a name, an
/// optional id and one line of JSON.
enum ServerSentEvent {
    /// One event's text.
    static func encode(_ event: String, id: Int? = nil, _ data: some Encodable) throws -> ByteBuffer {
        let json = String(decoding: try APICoding.encoder.encode(data), as: UTF8.self)
        return ByteBuffer(string: "event: \(event)\n" + (id.map { "id: \($0)\n" } ?? "") + "data: \(json)\n\n")
    }

    /// The answer that streams `body`, never cached.
    static func response(_ body: ResponseBody) -> Response {
        Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}
