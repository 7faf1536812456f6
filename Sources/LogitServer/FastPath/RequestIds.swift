import Foundation
import HTTPTypes
import Logging
import Hummingbird
import Prometheus
import NIOConcurrencyHelpers
import Synchronization

/// New request ids: 16 hex digits chosen at random when the process starts, a dash, and a 16-digit hex counter:
/// unique within a run and, with overwhelming odds, across runs. (Foundation's `UUID()` costs about 5 us, more than
/// reading a /predict body: `logit bench`, docs/benchmarks.md.)
package enum RequestIds {
    private static let prefix = hexDigits(UInt64.random(in: .min ... .max))
    private static let counter = Atomic<UInt64>(0)

    /// The client's `X-Request-Id` if it is a sane one (1 to 128 printable ASCII characters, no spaces), else a new
    /// one.
    static func id(sentByClient id: String?) -> String {
        id.flatMap { $0.utf8.count <= 128 && !$0.isEmpty && $0.utf8.allSatisfy { (0x21...0x7E).contains($0) } ? $0 : nil }
            ?? next()
    }

    package static func next() -> String {
        let number = hexDigits(counter.wrappingAdd(1, ordering: .relaxed).newValue)
        return String(unsafeUninitializedCapacity: 33) { utf8 in
            for i in 0..<16 {
                utf8[i] = prefix[i]
                utf8[17 + i] = number[i]
            }
            utf8[16] = UInt8(ascii: "-")
            return 33
        }
    }

    /// The 16 lowercase hex digits of `value`, most significant first.
    private static func hexDigits(_ value: UInt64) -> InlineArray<16, UInt8> {
        InlineArray { i in
            let nibble = UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * i)) & 0xF
            return nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
        }
    }
}

extension HTTPField.Name {
    static let requestId = Self("X-Request-Id")!
}
