import HTTPTypes
import Hummingbird

/// With API keys configured, every request that changes something (train, cancel, delete, aliases, import, data
/// set upload) needs `Authorization: Bearer <key>`; predictions and reads stay open unless `protectReads` is set.
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
        guard !keys.isEmpty, requiresKey(request) else { return try await next(request, context) }
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

    private func requiresKey(_ request: Request) -> Bool {
        if protectReads { return request.method != .options }
        switch request.method {
        case .get, .head, .options: return false
        default:
            let path = request.uri.path
            let isPrediction = request.method == .post
                && (path == "/predict" || path.hasSuffix("/predict") || (path.hasPrefix("/v2/") && path.hasSuffix("/infer")))
            return !isPrediction
        }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}

/// Cross-origin requests from the configured origins ("*" allows any): the allow headers, and preflight answers.
struct CORSAllowListMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let origin = request.headers[.origin], origins.contains(origin) || origins.contains("*") else {
            return try await next(request, context)
        }
        var response: Response
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            response = Response(status: .noContent)
            response.headers[.accessControlAllowMethods] = "GET, POST, PUT, DELETE, OPTIONS"
            response.headers[.accessControlAllowHeaders] = "Authorization, Content-Type, X-Request-Id"
            response.headers[.accessControlMaxAge] = "600"
        } else {
            response = try await next(request, context)
        }
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.vary] = "Origin"
        return response
    }
}
