import Foundation
import Testing
import LogitCore
@testable import LogitData

/// Listing data sets loads none (summaries come from headers, label scans and the store), the summaries agree with
/// the loaded data sets, and loaded data sets left unused are evicted and loaded again on their next use.
@Suite struct DatasetListingTests {
    @Test func listingTheBundledDataSetsLoadsNoneAndAgreesWithLoadingThem() async throws {
        let registry = DatasetRegistry(dataDirectory: dataDirectory)
        let listings = try await registry.listing()
        #expect(registry.loads == 0 && registry.loadedNames.isEmpty)
        #expect(listings.map(\.name).filter { $0 != "fashion-mnist" } == ["breast-cancer-wisconsin", "mnist"])
        let mnist = try #require(listings.first { $0.name == "mnist" })
        #expect(mnist.summary.trainRows == 60_000 && mnist.summary.testRows == 10_000)
        #expect(mnist.summary.features == 784 && mnist.summary.imageShape == [28, 28])
        #expect(mnist.summary.classes == Array(0...9))
        for listing in listings {
            #expect(listing.summary == DatasetSummary(try registry.dataset(named: listing.name)), "\(listing.name)")
        }
    }

    @Test func aCSVSummaryMatchesItsLoadWithHeaderDroppedColumnsAndMissingValues() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/t.csv"
        try Data("id,a,label,b\n1,2,5,?\n2,,7,1\n\n3,4,9,2\n".utf8).write(to: URL(fileURLWithPath: path))
        let layout = CSVDatasetLoader.Layout(labelColumn: 2, droppedColumns: [0], hasHeader: true)
        let summary = try CSVDatasetLoader.summarize(path: path, layout: layout, defaultTask: nil)
        let loaded = try CSVDatasetLoader.load(name: "t", path: path, layout: layout, defaultTask: nil)
        #expect(summary == DatasetSummary(loaded))
        #expect(summary.trainRows == 3 && summary.features == 2 && summary.classes == [5, 7, 9])
        #expect(summary.defaultTask == .multiclass && summary.defaultPreprocess == .standardize)
        // Two classes: binary, the larger positive, as loading decides.
        try Data("1,0\n2,1\n".utf8).write(to: URL(fileURLWithPath: path))
        let binary = CSVDatasetLoader.Layout(labelColumn: 1)
        #expect(try CSVDatasetLoader.summarize(path: path, layout: binary, defaultTask: nil).defaultTask == .binary(positive: [1]))
        // What loading refuses for its shape, the summary refuses too.
        for bad in ["1,0\n2,0\n", "1,0\n2\n", "1,x\n"] {
            try Data(bad.utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: DataFileError.self, "\(bad)") { try CSVDatasetLoader.summarize(path: path, layout: binary, defaultTask: nil) }
        }
    }

    @Test func aFolderSummaryIsReadAgainWhenItsFilesChange() async throws {
        let directory = try temporaryDirectory()
        let registry = DatasetRegistry(dataDirectory: directory)
        try registry.add(name: "table", file: Data("1,0\n2,1\n".utf8),
                         manifest: DatasetManifest(format: .csv, file: "t.csv", labelColumn: 1))
        #expect(try await registry.listing().first?.summary.classes == [0, 1])
        // Another size, so the stamp differs even within the file system's time resolution.
        try Data("1,0\n2,1\n3,2\n".utf8).write(to: URL(fileURLWithPath: directory + "/table/t.csv"))
        let summary = try #require(try await registry.listing().first?.summary)
        #expect(summary.classes == [0, 1, 2] && summary.trainRows == 3)
    }

    @Test func anHDF5FolderWithoutASummaryIsLoadedOnceToBeListed() async throws {
        let directory = try temporaryDirectory()
        let registry = DatasetRegistry(dataDirectory: directory)
        let file = try temporaryDirectory() + "/x.h5"
        try HDF5.write(path: file, datasets: [("X", [4, 1], .floats([0, 1, 5, 6])), ("y", [4], .integers([3, 3, 8, 8]))])
        try registry.add(name: "tiny", file: try Data(contentsOf: URL(fileURLWithPath: file)),
                         manifest: DatasetManifest(format: .hdf5, file: "data.h5"))
        let fresh = DatasetRegistry(dataDirectory: directory)
        let summary = try #require(try await fresh.listing().first?.summary)
        #expect(summary.classes == [3, 8] && summary.trainRows == 4)
        #expect(fresh.loads == 1)
    }

    @Test func dataSetsUnusedForTheIdleLimitAreEvictedAndLoadedAgain() throws {
        let registry = DatasetRegistry(dataDirectory: dataDirectory, idleLimit: .seconds(60))
        let name = "breast-cancer-wisconsin"
        _ = try registry.dataset(named: name)
        _ = try registry.dataset(named: name)
        #expect(registry.loads == 1 && registry.loadedNames == [name])
        #expect(registry.evictIdle(now: .now + .seconds(30)).isEmpty)
        #expect(registry.evictIdle(now: .now + .seconds(61)) == [name])
        #expect(registry.loadedNames.isEmpty)
        #expect(try registry.dataset(named: name).train.rowCount == 699)
        #expect(registry.loads == 2 && registry.loadedNames == [name])

        let keeping = DatasetRegistry(dataDirectory: dataDirectory)
        _ = try keeping.dataset(named: name)
        #expect(keeping.evictIdle(now: .now + .seconds(86_400)).isEmpty && keeping.loadedNames == [name])
    }

    @Test func anIDXHeaderIsReadWithoutThePixels() throws {
        let path = try temporaryDirectory() + "/images.gz"
        let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]
        try Data(try gzip(images)).write(to: URL(fileURLWithPath: path))
        #expect(try IDXArray.dimensions(path: path, expectedDimensions: 3) == [2, 1, 3])
        #expect(throws: DataFileError.self) { try IDXArray.dimensions(path: path, expectedDimensions: 1) }
        try Data(try gzip(Array(images.prefix(10)))).write(to: URL(fileURLWithPath: path))
        #expect(throws: DataFileError.self) { try IDXArray.dimensions(path: path, expectedDimensions: 3) }
    }
}
