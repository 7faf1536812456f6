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
        var reader = Reader(bytes: bytes)
        var body = PixelBody(pixels: [])
        var seenPixels = false, seenModel = false, seenVersion = false
        guard reader.skip(0x7B) else { return nil }  // {
        repeat {
            guard let key = reader.plainString() else { return nil }
            guard reader.skip(0x3A) else { return nil }  // :
            switch key {
            case "pixels" where !seenPixels:
                seenPixels = true
                guard reader.integerArray(into: &body.pixels) else { return nil }
            case "model" where !seenModel:
                seenModel = true
                guard let model = reader.plainString() else { return nil }
                body.model = model
            case "version" where !seenVersion:
                seenVersion = true
                if let number = reader.integer() {
                    body.version = .number(number)
                } else if let text = reader.plainString() {
                    body.version = VersionReference(text)
                } else {
                    return nil
                }
            default:
                return nil
            }
        } while reader.skip(0x2C)  // ,
        guard reader.skip(0x7D), reader.atEnd, seenPixels else { return nil }  // }
        return body
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        /// Consumes `byte` (after any whitespace) if it comes next.
        mutating func skip(_ byte: UInt8) -> Bool {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        var atEnd: Bool {
            mutating get {
                skipWhitespace()
                return index == bytes.count
            }
        }

        /// A JSON integer without sign, leading zeros or fraction: `0` or `[1-9][0-9]{0,8}`.
        mutating func integer() -> Int? {
            skipWhitespace()
            let start = index
            var value = 0
            while index < bytes.count, case let digit = bytes[index], digit >= 0x30, digit <= 0x39 {
                // A tenth digit is declined at once: twenty would overflow `value` (a trap, found by Fuzz/).
                if index - start == 9 { return nil }
                value = value * 10 + Int(digit - 0x30)
                index += 1
            }
            let length = index - start
            guard length > 0, length <= 9, length == 1 || bytes[start] != 0x30 else { return nil }
            // A fraction or exponent makes it a number this reader does not take.
            if index < bytes.count, bytes[index] == 0x2E || bytes[index] | 0x20 == 0x65 { return nil }
            return value
        }

        /// `[` integers `]`, each read by `integer()`, written straight into the array's storage (no appends).
        mutating func integerArray(into values: inout [Float]) -> Bool {
            guard skip(0x5B) else { return false }  // [
            // Every value takes at least two bytes ("0,"), so this is room enough for the whole array.
            let capacity = min((bytes.count - index) / 2 + 1, 1 << 20)
            var complete = false
            values = [Float](unsafeUninitializedCapacity: capacity) { storage, count in
                if skip(0x5D) {  // ]
                    complete = true
                    return
                }
                repeat {
                    guard count < capacity, let value = integer() else { return }
                    storage[count] = Float(value)
                    count += 1
                } while skip(0x2C)  // ,
                complete = skip(0x5D)  // ]
            }
            return complete
        }

        /// A string of printable characters without escapes, valid UTF-8.
        mutating func plainString() -> String? {
            guard skip(0x22) else { return nil }  // "
            let start = index
            while index < bytes.count, bytes[index] != 0x22 {
                if bytes[index] == 0x5C || bytes[index] < 0x20 { return nil }
                index += 1
            }
            guard index < bytes.count else { return nil }
            let text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            index += 1
            return text
        }
    }
}
