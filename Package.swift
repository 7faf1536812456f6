// swift-tools-version:6.1
import Foundation
import PackageDescription

// Layers, bottom up (each target imports only those below it):
//   LogitCore    numerics: models, losses, gradients, optimisers, metrics (no I/O)
//   LogitData    data sets: IDX/CSV/HDF5 loading, splits, preprocessing (zlib via CZlib, libhdf5 via CHDF5)
//   LogitStore   persistence: the ModelStore protocol and its SQLite (GRDB) implementation
//   LogitJobs    training jobs: request validation, the Dispatch-based scheduler, the trainer runner
//   LogitServer  HTTP: Hummingbird application, controllers, configuration
//   logit        thin command-line executable (swift-argument-parser)
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

// The numeric kernels are optimised even in debug builds: unoptimised, a pass over MNIST is ~30x slower, which
// would make the test suite crawl. (-Ounchecked gains nothing here and hides out-of-bounds bugs.)
let optimisedSettings: [SwiftSetting] = swiftSettings + [.unsafeFlags(["-O"] + hostVectorFlags)]

/// The vector instructions of the CPU that builds, for the numeric targets: with AVX2 and FMA (and AVX-512 where
/// present) an MNIST training pass takes about half the time of the baseline x86-64 build (docs/benchmarks.md).
/// The binary then needs such a CPU; `LOGIT_PORTABLE=1` builds for any x86-64 (as the Dockerfile does).
var hostVectorFlags: [String] {
    #if os(Linux) && arch(x86_64)
    guard ProcessInfo.processInfo.environment["LOGIT_PORTABLE"] == nil,
          let cpuInfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = cpuInfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return [] }
    let flags = Set(line.split(separator: " ").map(String.init))
    guard flags.isSuperset(of: ["avx2", "fma"]) else { return [] }
    var features = ["-mavx2", "-mfma"]
    if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512dq", "avx512vl"]) {
        features += ["-mavx512f", "-mavx512bw", "-mavx512dq", "-mavx512vl"]
    }
    return features.flatMap { ["-Xcc", $0] }
    #else
    return []
    #endif
}

let package = Package(
    name: "logit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "logit", targets: ["logit"]),
        .executable(name: "http-floor", targets: ["HTTPFloor"]),
        .library(name: "LogitServer", targets: ["LogitServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-numerics.git", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
    ],
    targets: [
        // The HTTP floor of the machine under each layer of the stack (scripts/bench-http-floor.sh).
        .executableTarget(
            name: "HTTPFloor",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/HTTPFloor",
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CHDF5",
            pkgConfig: "hdf5-serial",
            providers: [.apt(["libhdf5-dev"])]
        ),
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        .target(
            name: "LogitCore",
            dependencies: [.product(name: "Numerics", package: "swift-numerics")],
            swiftSettings: optimisedSettings
        ),
        .target(
            name: "LogitData",
            dependencies: ["LogitCore", "CZlib", "CHDF5"],
            swiftSettings: optimisedSettings
        ),
        .target(
            name: "LogitImaging",
            dependencies: ["LogitCore", "CPNG"],
            swiftSettings: optimisedSettings
        ),
        .target(
            name: "LogitStore",
            dependencies: ["LogitCore", "LogitData", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LogitJobs",
            dependencies: [
                "LogitCore", "LogitData", "LogitStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LogitServer",
            dependencies: [
                "LogitCore", "LogitData", "LogitStore", "LogitJobs", "LogitImaging",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "logit",
            dependencies: [
                "LogitServer", "LogitJobs", "LogitData", "LogitStore", "LogitCore",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), "LogitImaging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "LogitCoreTests", dependencies: ["LogitCore"], swiftSettings: swiftSettings),
        .testTarget(name: "LogitDataTests", dependencies: ["LogitData"], swiftSettings: swiftSettings),
        .testTarget(name: "LogitStoreTests", dependencies: ["LogitStore"], swiftSettings: swiftSettings),
        .testTarget(name: "LogitImagingTests", dependencies: ["LogitImaging"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LogitServerTests",
            dependencies: [
                "LogitServer",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
