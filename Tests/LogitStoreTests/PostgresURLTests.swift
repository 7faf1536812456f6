import LogitPostgres
import Testing

@Suite struct PostgresURLTests {
    @Test func theURLsPartsBecomeTheConnectionsSettings() throws {
        let url = try PostgresURL("postgres://logit:p%40ss@db.internal:5433/models?sslmode=require")
        #expect(url.host == "db.internal" && url.port == 5433)
        #expect(url.username == "logit" && url.password == "p@ss" && url.database == "models")
        #expect(url.requireTLS)
        // The description is for logs: it leaves the password out.
        #expect(url.description == "postgres://logit@db.internal:5433/models")

        let plain = try PostgresURL("postgresql://me@127.0.0.1/x")
        #expect(plain.port == 5432 && plain.password == nil && !plain.requireTLS)
    }

    @Test func aPathOrAURLWithoutUserOrHostIsNotOne() {
        #expect(!PostgresURL.isPostgres("var/logit.sqlite"))
        #expect(PostgresURL.isPostgres("postgres://u@h/d"))
        for text in ["var/logit.sqlite", "postgres://host-without-user/db", "postgres://user@/db", "mysql://u@h/d"] {
            #expect(throws: PostgresURL.Invalid.self, "\(text)") { try PostgresURL(text) }
        }
    }
}
