import HTTPTypes
import Hummingbird

/// With API keys configured, every request that changes something (train, cancel, delete, aliases, import, data
/// set upload) needs `Authorization: Bearer <key>`; predictions and reads stay open unless `protectReads` is set.
/// Which is which comes from `RouteAccess`.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: [[UInt8]]
    let protectReads: Bool

    init(keys: [String], protectReads: Bool) {
        self.keys = keys.filter { !$0.isEmpty }.map { Array($0.utf8) }
        self.protectReads = protectReads
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard !keys.isEmpty, requiresKey(request, context: context) else { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        let presented = header.hasPrefix(prefix) ? Array(header.utf8.dropFirst(prefix.utf8.count)) : []
        // Compare with every key, whatever matches, so the time taken says nothing about the keys.
        var accepted = false
        for key in keys where Self.constantTimeEqual(presented, key) { accepted = true }
        guard accepted else {
            var error = APIError(.unauthorized, code: "UNAUTHORIZED",
                                 header.isEmpty ? "this request needs 'Authorization: Bearer <API key>'" : "the API key is not valid")
            error.headers[.wwwAuthenticate] = "Bearer"
            throw error
        }
        return try await next(request, context)
    }

    private func requiresKey(_ request: Request, context: Context) -> Bool {
        switch RouteAccess.of(method: request.method, endpointPath: context.endpointPath) {
        case .change: true
        case .read, .predict: protectReads && request.method != .options
        }
    }

    /// Equal bytes, in a time that depends only on the longer length. The length difference counts whole: a key
    /// followed by 256 more bytes is not the key.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = a.count ^ b.count
        for index in 0..<max(a.count, b.count) {
            difference |= Int((index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0))
        }
        return difference == 0
    }
}
