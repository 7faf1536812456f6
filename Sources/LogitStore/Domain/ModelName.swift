/// The rule for the names of models and their aliases, which appear in URL paths.
public enum ModelName {
    /// 1-64 characters of A-Z a-z 0-9 . _ -, and not "." or "..".
    public static func isValid(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name != "." && name != ".."
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }

    /// A valid name that does not read as another version reference (a number or `latest`), which would hide it.
    public static func isValidAlias(_ alias: String) -> Bool {
        guard isValid(alias), case .alias = VersionReference(alias) else { return false }
        return true
    }
}
