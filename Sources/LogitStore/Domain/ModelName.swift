import LogitData

/// The rule for the names of models and their aliases, which appear in URL paths.
public enum ModelName {
    /// 1-64 characters of A-Z a-z 0-9 . _ -, and not "." or "..": the data sets' rule, since a model is named
    /// after its data set unless a request says otherwise.
    public static func isValid(_ name: String) -> Bool { DatasetRegistry.isValidName(name) }

    /// A valid name that does not read as another version reference (a number or `latest`), which would hide it.
    public static func isValidAlias(_ alias: String) -> Bool {
        guard isValid(alias), case .alias = VersionReference(alias) else { return false }
        return true
    }
}
