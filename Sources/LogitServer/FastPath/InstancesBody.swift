import LogitStore

/// A `/predict` batch, `{"instances": [[integers], ...]}` with optional `"model"` and `"version"`, read straight from
/// the request's bytes into one contiguous buffer of rows. JSONDecoder builds an array per row and a generic tree of
/// every value first: a 500-image batch took about 100 ms that way (docs/benchmarks.md).
///
/// Like `PixelBody`, it takes only the simple form (integers of at most 9 digits, rows of one same length, at least
/// one row) and returns nil for anything else, which the JSONDecoder path then accepts or words as an error.
package struct InstancesBody: Equatable {
    /// `rowCount` rows of `values.count / rowCount` values, one after another.
    package var values: [Float]
    package var rowCount: Int
    package var model: String?
    package var version: VersionReference?

    package var columnCount: Int { values.count / rowCount }

    package static func parse(_ bytes: UnsafeRawBufferPointer) -> InstancesBody? {
        var values: [Float] = []
        var rowCount = 0
        var reader = JSONByteReader(bytes: bytes)
        let names = reader.predictBody(dataKey: "instances", readData: { reader in
            guard let rows = reader.integerRows(into: &values) else { return false }
            rowCount = rows
            return true
        })
        guard let names else { return nil }
        return InstancesBody(values: values, rowCount: rowCount, model: names.model, version: names.version)
    }
}
