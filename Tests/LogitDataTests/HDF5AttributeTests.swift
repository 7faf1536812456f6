import Foundation
import Testing
@testable import LogitData

/// Root attributes as h5py writes them, read through the read-only driver and its check of stored strings
/// (CHDF5/read_only_driver.h).
@Suite struct HDF5AttributeTests {
    /// h5py's file with a 512-byte user block: the heap addresses count from the superblock, not from byte 0.
    let userBlockFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hdf5-user-block-string.h5").path

    @Test func variableLengthStringsAfterAUserBlockAreRead() throws {
        #expect(try HDF5.readAttribute(path: userBlockFile, name: "kind") == .string("softmax"))
        #expect(try HDF5.readAttribute(path: userBlockFile, name: "note") == .string(String(repeating: "é", count: 3000)))
        #expect(try HDF5.readAttribute(path: userBlockFile, name: "empty") == .string(""))
        #expect(try HDF5.readAttribute(path: userBlockFile, name: "absent") == nil)
    }

    /// h5py's attributes of other kinds (a bool, which is an enum; small integers; a fixed string; arrays) pass the
    /// driver's checks of attribute messages, so a file carrying them still reads.
    @Test func attributesOfEveryKindH5pyWritesPassTheChecks() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/hdf5-attribute-kinds.h5").path
        #expect(try HDF5.readAttribute(path: path, name: "kind") == .string("logistic"))
        #expect(try HDF5.readAttribute(path: path, name: "count") == .integer(3))
        #expect(try HDF5.readAttribute(path: path, name: "ratio") == .float(0.5))
        #expect(try HDF5.readAttribute(path: path, name: "fixed") == .string("abc"))
        #expect(try HDF5.readFloats(path: path, dataset: "w")?.values == [0.5, -0.25])
    }

    @Test func stringsWrittenHereReadBack() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("logit-attr-\(UUID().uuidString).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let long = String(repeating: "0123456789", count: 2000)
        try HDF5.write(path: path, datasets: [("X", [1], .floats([1]))],
                       attributes: [("long", .string(long)), ("short", .string("l1")), ("count", .integer(7))])
        #expect(try HDF5.readAttribute(path: path, name: "long") == .string(long))
        #expect(try HDF5.readAttribute(path: path, name: "short") == .string("l1"))
        #expect(try HDF5.readAttribute(path: path, name: "count") == .integer(7))
    }
}
