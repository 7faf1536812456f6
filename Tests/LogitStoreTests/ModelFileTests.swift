import Foundation
import Testing
import LogitCore
import LogitData
@testable import LogitStore

@Suite struct ModelFileTests {
    func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("logit-model-\(UUID().uuidString).h5").path
    }

    func roundTrip(_ version: ModelVersion) throws -> ModelVersion {
        let file = path()
        try ModelFile.write(version, to: file)
        return try ModelFile.read(path: file, name: version.metadata.name, createdAt: version.metadata.createdAt)
    }

    /// Found by the model-file fuzz target (Fuzz/): a string attribute in a global heap whose second free-space
    /// object has size 0 made libhdf5 1.10 walk the heap forever, holding the HDF5 lock that every import, upload
    /// and data set load waits for. The driver of CHDF5/read_only_driver.h refuses such a heap as a read error.
    @Test func aGlobalHeapThatCannotBeWalkedIsAnErrorNotAHang() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fuzz/hdf5-global-heap-loop.h5").path
        let started = ContinuousClock.now
        #expect { try ModelFile.read(path: path, name: "imported") } throws: {
            String(describing: $0).contains("cannot read attribute 'kind'")
        }
        #expect(started.duration(to: .now) < .seconds(5))
    }

    /// Found by the model-file fuzz target: 9 KB files whose string attribute declares 2.27 GB, or 3 characters of
    /// 4 GB each, made libhdf5 1.10 allocate (and zero) that much before reading the string's heap object.
    /// CHDF5/read_only_driver.h now checks a stored string against its heap object before libhdf5 converts it.
    /// And one whose heap collection holds the string's object twice, the second (which libhdf5 takes) of
    /// petabytes: libhdf5 copied with that size.
    @Test(arguments: ["hdf5-string-longer-than-its-heap-object.h5", "hdf5-string-of-huge-characters.h5",
                      "hdf5-heap-object-twice.h5"])
    func aStringDeclaringMoreThanItsHeapObjectIsRefusedBeforeAnyAllocation(fixture: String) throws {
        let before = peakResidentKilobytes()
        #expect(throws: (any Error).self) { try ModelFile.read(path: fuzzFixture(fixture), name: "imported") }
        #expect(peakResidentKilobytes() - before < 256 * 1024)
    }

    /// A string declaring 5 bytes whose heap object holds 5,000: libhdf5 1.10 copied the whole object into a buffer
    /// sized for the declared length (a heap overflow, seen with AddressSanitizer on the fuzz build).
    @Test func aStringDeclaringLessThanItsHeapObjectIsRefused() throws {
        #expect { try ModelFile.read(path: fuzzFixture("hdf5-string-shorter-than-its-heap-object.h5"), name: "imported") }
            throws: { String(describing: $0).contains("cannot read attribute 'kind'") }
    }

    /// Found by the model-file fuzz target: a group's local heap whose free list loops back; libhdf5 1.10 followed
    /// it, allocating as it went, until gigabytes later it failed. The driver refuses such a heap as a read error.
    @Test func aLocalHeapWhoseFreeListLoopsIsAnErrorWithoutTheMemory() throws {
        let before = peakResidentKilobytes()
        let started = ContinuousClock.now
        #expect(throws: (any Error).self) {
            try ModelFile.read(path: fuzzFixture("hdf5-local-heap-free-list-loop.h5"), name: "imported")
        }
        #expect(peakResidentKilobytes() - before < 256 * 1024)
        #expect(started.duration(to: .now) < .seconds(5))
    }

    /// Found by the model-file fuzz target: an attribute message declaring a dataspace of 65,528 bytes in its 64:
    /// libhdf5 1.10 decoded on past the message and copied the value from beyond the object header (a read overflow,
    /// seen with AddressSanitizer). And a string type declared 4 bytes long: libhdf5 sized the value by it, then read
    /// the 16 bytes a stored string takes. The driver refuses an object header whose attribute messages overrun.
    /// And an enum type whose member name has no end, which strdup read past the header.
    @Test(arguments: ["hdf5-attribute-beyond-its-message.h5", "hdf5-string-type-of-4-bytes.h5",
                      "hdf5-enum-name-without-end.h5"])
    func anAttributeDeclaringMoreThanItsMessageIsRefused(fixture: String) throws {
        #expect(throws: (any Error).self) { try ModelFile.read(path: fuzzFixture(fixture), name: "imported") }
    }

    /// Found by the model-file fuzz target: a standardising model whose std was 5.5e-40 (subnormal), so the
    /// kernels multiplied by an infinite reciprocal and no row could be scored.
    @Test func aStdWithoutAFiniteReciprocalIsRefused() throws {
        #expect { try ModelFile.read(path: fuzzFixture("hdf5-model-subnormal-std.h5"), name: "imported") }
            throws: { String(describing: $0).contains("finite reciprocal") }
        let tiny = path()
        try HDF5.write(path: tiny, datasets: [("w", [2], .floats([1, 2])), ("b", [], .floats([0])),
                                              ("mean", [2], .floats([0, 0])), ("std", [2], .floats([0, 1e-39]))],
                       attributes: [("preprocessing", .string("standardize"))])
        #expect(throws: ModelFile.Invalid.self) { try ModelFile.read(path: tiny, name: "x") }
        let constant = path()
        try HDF5.write(path: constant, datasets: [("w", [2], .floats([1, 2])), ("b", [], .floats([0])),
                                                  ("mean", [2], .floats([0, 0])), ("std", [2], .floats([0, 1e-30]))],
                       attributes: [("preprocessing", .string("standardize"))])
        #expect(try ModelFile.read(path: constant, name: "x").metadata.featureCount == 2)
        let hugeScale = path()
        try HDF5.write(path: hugeScale, datasets: [("w", [2], .floats([1, 2])), ("b", [], .floats([0]))],
                       attributes: [("preprocessing", .string("unit")), ("scale", .float(1e300))])
        #expect(throws: ModelFile.Invalid.self) { try ModelFile.read(path: hugeScale, name: "x") }
    }

    func fuzzFixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fuzz/\(name)").path
    }

    /// The process's peak resident set so far (getrusage), in KiB.
    func peakResidentKilobytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss
    }

    @Test func linearModelsRoundTripBitExactly() throws {
        var softmax = sampleVersion()
        softmax.metadata.imageShape = nil
        let back = try roundTrip(softmax)
        #expect(back.model.weights.map(\.bitPattern) == softmax.model.weights.map(\.bitPattern))
        #expect(back.model.biases.map(\.bitPattern) == softmax.model.biases.map(\.bitPattern))
        #expect(back.metadata.classes == softmax.metadata.classes)
        #expect(back.metadata.preprocessing == softmax.metadata.preprocessing)
        #expect(back.metadata.kind == .softmax)

        var logistic = sampleVersion()
        logistic.model = .linear(LinearModel(kind: .logistic, featureCount: 3, weights: [0.25, -1, 3e-9], biases: [-0.5]))
        logistic.metadata.kind = .logistic
        logistic.metadata.preprocessing = .standardize(mean: [1, 2, 3], std: [0.5, 0, 2])
        let binary = try roundTrip(logistic)
        #expect(binary.model == logistic.model)
        #expect(binary.metadata.preprocessing == logistic.metadata.preprocessing)
    }

    @Test func theBinaryLayoutIsTheClassicOne() throws {
        var logistic = sampleVersion()
        logistic.model = .linear(LinearModel(kind: .logistic, featureCount: 3, weights: [1, 2, 3], biases: [4]))
        logistic.metadata.kind = .logistic
        let file = path()
        try ModelFile.write(logistic, to: file)
        #expect(try HDF5.readFloats(path: file, dataset: "w")?.shape == [3])
        #expect(try HDF5.readFloats(path: file, dataset: "b")?.shape == [])
        #expect(try HDF5.readFloats(path: file, dataset: "b")?.values == [4])
        #expect(try HDF5.readAttribute(path: file, name: "kind") == .string("logistic"))
        #expect(try HDF5.readAttribute(path: file, name: "scale") == .float(1.0 / 255))
    }

    @Test func anMLPRoundTrips() throws {
        var version = sampleVersion()
        let parameters = MLPModel.initialParameters(features: 3, hidden: 5, classes: 2, activation: .relu, seed: 4)
        version.model = .mlp(MLPModel(featureCount: 3, hiddenCount: 5, classCount: 2, activation: .relu, parameters: parameters))
        version.metadata.kind = .mlp
        let back = try roundTrip(version)
        #expect(back.model == version.model)
        #expect(back.metadata.hiddenUnits == 5 && back.metadata.activation == .relu)
    }

    @Test func invalidFilesAreRefused() throws {
        let cases: [(String, [(name: String, shape: [Int], values: HDF5.Values)])] = [
            ("W without b", [("W", [2, 3], .floats([1, 2, 3, 4, 5, 6]))]),
            ("b of the wrong length", [("W", [2, 3], .floats([1, 2, 3, 4, 5, 6])), ("b", [3], .floats([0, 0, 0]))]),
            ("NaN weights", [("w", [2], .floats([1, .nan])), ("b", [], .floats([0]))]),
            ("no weights", [("x", [1], .floats([1]))]),
            ("a vector b for a binary model", [("w", [2], .floats([1, 2])), ("b", [2], .floats([0, 0]))]),
        ]
        for (label, datasets) in cases {
            let file = path()
            try HDF5.write(path: file, datasets: datasets)
            #expect(throws: ModelFile.Invalid.self, "\(label)") { try ModelFile.read(path: file, name: "x") }
        }
        let text = path()
        try Data("not an HDF5 file".utf8).write(to: URL(fileURLWithPath: text))
        #expect(throws: ModelFile.Invalid.self) { try ModelFile.read(path: text, name: "x") }
        let wrongClasses = path()
        try HDF5.write(path: wrongClasses, datasets: [("w", [2], .floats([1, 2])), ("b", [], .floats([0]))],
                       attributes: [("classes", .string("[1, 2, 3]"))])
        #expect(throws: ModelFile.Invalid.self) { try ModelFile.read(path: wrongClasses, name: "x") }
    }
}
