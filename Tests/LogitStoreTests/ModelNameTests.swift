import Testing
@testable import LogitStore

@Suite struct ModelNameTests {
    @Test func namesAreShortAndURLSafe() {
        for name in ["digits", "mnist-3-vs-rest", "v1.2_final", "A", String(repeating: "x", count: 64), "7", "latest"] {
            #expect(ModelName.isValid(name), "\(name)")
        }
        for name in ["", ".", "..", String(repeating: "x", count: 65), "a/b", "a b", "é", "a%2F"] {
            #expect(!ModelName.isValid(name), "\(name)")
        }
    }

    @Test func anAliasIsNeitherANumberNorLatest() {
        #expect(ModelName.isValidAlias("stable"))
        #expect(ModelName.isValidAlias("v2"))
        #expect(!ModelName.isValidAlias("2"))
        #expect(!ModelName.isValidAlias("latest"))
        #expect(!ModelName.isValidAlias("a/b"))
    }
}
