import Foundation
import PostgresNIO

/// `postgres://user:password@host:port/database` (or `postgresql://`), as a client configuration.
public struct PostgresURL: Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let username: String
    public let password: String?
    public let database: String?
    /// `sslmode=require` asks for TLS; otherwise the connection is plain (loopback and private networks).
    public let requireTLS: Bool

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(_ text: String) throws {
        guard Self.isPostgres(text), let components = URLComponents(string: text), let host = components.host,
              !host.isEmpty
        else {
            throw Invalid(description: "not a PostgreSQL URL (postgres://user:password@host:port/database)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw Invalid(description: "the PostgreSQL URL names no user (postgres://user:password@host:port/database)")
        }
        self.host = host
        port = components.port ?? 5432
        username = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
        requireTLS = components.queryItems?.contains { $0.name == "sslmode" && $0.value == "require" } ?? false
    }

    /// The URL without its password, for logs.
    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database ?? "")"
    }

    var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database,
            tls: requireTLS ? .require(.makeClientConfiguration()) : .disable)
        // A database that does not answer should turn into a quick 503, not a request hanging for 10 s.
        configuration.options.connectTimeout = .seconds(2)
        return configuration
    }
}
