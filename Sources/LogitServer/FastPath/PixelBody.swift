import LogitStore

/// The common `/predict` body, `{"pixels": [integers]}` with optional `"model"` and `"version"`, read straight from
/// the request's bytes. Foundation's JSONDecoder builds a generic tree of the 784 values and takes tens of times
/// longer (about 300 us against 3-8 us: `logit bench`, docs/benchmarks.md); this reads each pixel once into one
/// Float array.
///
/// It accepts only the simple form: integer pixels of at most 9 digits, strings without escapes, no `null`, no other
/// or repeated keys, nothing after the object. Anything else returns nil and the request takes the JSONDecoder path,
/// which accepts every valid body and words every error, so the two paths cannot disagree on what is valid.
package struct PixelBody: Equatable {
    package var pixels: [Float]
    package var model: String?
    package var version: VersionReference?

    package static func parse(_ bytes: UnsafeRawBufferPointer) -> PixelBody? {
        var pixels: [Float] = []
        var reader = JSONByteReader(bytes: bytes)
        guard let names = reader.predictBody(dataKey: "pixels", readData: { $0.integerArray(into: &pixels) }) else {
            return nil
        }
        return PixelBody(pixels: pixels, model: names.model, version: names.version)
    }
}
