import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import LogitServer

/// The OpenAPI document (public/openapi.yaml, served at GET /openapi.yaml) describes exactly the router's routes.
@Suite struct OpenAPITests {
    /// "METHOD /path/{param}" for every route of the router.
    func routerRoutes() async throws -> Set<String> {
        let services = try await makeServices(testConfiguration(), logger: Logger(label: "test"), metrics: ServiceMetrics())
        return Set(buildRouter(services).routes.map { route in
            let path = route.path.description.split(separator: "/").map { part in
                part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
            }.joined(separator: "/")
            return "\(route.method.rawValue) /\(path)"
        })
    }

    /// "METHOD /path" for every operation of the document: paths are keys at two spaces under `paths:`, methods
    /// keys at four spaces under them.
    func documentedRoutes() throws -> Set<String> {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("public/openapi.yaml"), encoding: .utf8)
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        var routes: Set<String> = []
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty { inPaths = line.hasPrefix("paths:"); path = nil; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).prefix { $0 != ":" })
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.dropFirst(4).prefix { $0 != ":" }
                if methods.contains(String(key)) { routes.insert("\(key.uppercased()) \(path)") }
            }
        }
        return routes
    }

    @Test func theDocumentAndTheRouterAgree() async throws {
        let router = try await routerRoutes()
        let document = try documentedRoutes()
        #expect(router.subtracting(document).sorted() == [], "routes missing from public/openapi.yaml")
        #expect(document.subtracting(router).sorted() == [], "documented operations the router does not have")
        #expect(router.count > 30)
    }

    @Test func theServiceServesIt() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let response = try await client.request(.get, "/openapi.yaml")
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).hasPrefix("openapi: 3.1"))
        }
    }
}
