import LogitStore

/// Reads the simple JSON of the fast `/predict` bodies (`PixelBody`, `InstancesBody`) straight from the request's
/// bytes: unsigned integers of at most 9 digits, strings without escapes, arrays of those. Whatever it does not take
/// makes the caller return nil, and the request goes to JSONDecoder, which words every error.
struct JSONByteReader {
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

    /// `[` rows `]`, each a non-empty `[` integers `]` of one same length, written one after another into `values`
    /// (no array per row). Returns the number of rows, or nil for anything else, an empty batch included.
    mutating func integerRows(into values: inout [Float]) -> Int? {
        guard skip(0x5B) else { return nil }  // [
        // Every value takes at least two bytes ("0,"), so this is room enough for all of them.
        let capacity = (bytes.count - index) / 2 + 1
        var rowCount = 0
        var complete = false
        values = [Float](unsafeUninitializedCapacity: capacity) { storage, count in
            var width = 0
            repeat {
                guard skip(0x5B) else { return }  // [
                let rowStart = count
                repeat {
                    guard count < capacity, let value = integer() else { return }
                    storage[count] = Float(value)
                    count += 1
                } while skip(0x2C)  // ,
                guard skip(0x5D) else { return }  // ]
                if rowCount == 0 { width = count - rowStart }
                guard count - rowStart == width else { return }
                rowCount += 1
            } while skip(0x2C)  // ,
            complete = skip(0x5D)  // ]
        }
        return complete ? rowCount : nil
    }

    /// A whole `/predict` body: `{` the field `dataKey`, read by `readData`, with optional `"model"` and `"version"`
    /// `}`, no other or repeated keys and nothing after it. Returns the model and version it names.
    mutating func predictBody(dataKey: String, readData: (inout JSONByteReader) -> Bool)
        -> (model: String?, version: VersionReference?)?
    {
        var model: String?, version: VersionReference?
        var seenData = false, seenModel = false, seenVersion = false
        guard skip(0x7B) else { return nil }  // {
        repeat {
            guard let key = plainString() else { return nil }
            guard skip(0x3A) else { return nil }  // :
            switch key {
            case dataKey where !seenData:
                seenData = true
                guard readData(&self) else { return nil }
            case "model" where !seenModel:
                seenModel = true
                guard let name = plainString() else { return nil }
                model = name
            case "version" where !seenVersion:
                seenVersion = true
                if let number = integer() {
                    version = .number(number)
                } else if let text = plainString() {
                    version = VersionReference(text)
                } else {
                    return nil
                }
            default:
                return nil
            }
        } while skip(0x2C)  // ,
        guard skip(0x7D), atEnd, seenData else { return nil }  // }
        return (model, version)
    }
}
