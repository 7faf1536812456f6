// swift-tools-version:6.2
import Foundation
import PackageDescription

// Layers, bottom up (each target imports only those below it):
//   LogitCore     numerics: models, preprocessing, losses, gradients, optimisers, metrics, training threads (no I/O)
//   LogitData     data sets: IDX/CSV/HDF5 loading, tasks, splits, column statistics (zlib via CZlib, libhdf5 via CHDF5)
//   LogitImaging  PNG (libpng via CPNG), weight and digit pictures, digit input
//   LogitStore    persistence: the store protocols (models, job queue, data sets) and their SQLite (GRDB) backend
//   LogitPostgres the same protocols on PostgreSQL (postgres-nio), for replicas sharing one database
//   LogitServing  the prediction pipeline: a stored version's Predictor (check, transform, score, rank)
//   LogitJobs     training jobs: request validation, the scheduler actor, the runner
//   LogitONNX     a version as an ONNX model (swift-protobuf; Generated/ is protoc's code of onnx.proto)
//   LogitPictures a version's pictures (weights, mean images, misclassified digits) as PNG
//   LogitAPI      the JSON shapes of the API's answers, Codable, for the server and its Swift clients (the tests)
//   LogitServer   HTTP: Hummingbird application, controllers, configuration (zlib via CZlib for compressed V2 bodies)
//   logit         thin command-line executable (swift-argument-parser)
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// The x86-64 level the numeric targets are compiled for, chosen when building by `LOGIT_MARCH`:
///   x86-64-v3  (default) AVX2 and FMA, which every x86-64 server CPU of the last decade has
///   x86-64-v4  x86-64-v3 plus AVX-512 (F, BW, DQ, VL)
///   x86-64     the baseline of any x86-64 CPU (the Docker image); training passes take 1.4 to 2.6 times as long
///              (docs/benchmarks.md)
/// The choice is explicit rather than read off the building CPU, so a build does not depend on where it ran and
/// gives the same numbers on every CPU of its level. `logit` checks at start-up that the CPU has what the build
/// needs (Sources/logit/CPUSupport.swift) and says so instead of dying on an illegal instruction. Other
/// architectures ignore the setting.
enum MachineLevel: String {
    case baseline = "x86-64"
    case v3 = "x86-64-v3"
    case v4 = "x86-64-v4"

    static var chosen: MachineLevel {
        #if arch(x86_64)
        let name = ProcessInfo.processInfo.environment["LOGIT_MARCH"] ?? MachineLevel.v3.rawValue
        guard let level = MachineLevel(rawValue: name) else {
            fatalError("LOGIT_MARCH=\(name): expected x86-64, x86-64-v3 or x86-64-v4")
        }
        return level
        #else
        return .baseline
        #endif
    }

    /// Clang's feature flags for the level (Swift code generation follows them too).
    var clangFlags: [String] {
        let features: [String]
        switch self {
        case .baseline: features = []
        case .v3: features = ["-mavx2", "-mfma"]
        case .v4: features = ["-mavx2", "-mfma", "-mavx512f", "-mavx512bw", "-mavx512dq", "-mavx512vl"]
        }
        return features.flatMap { ["-Xcc", $0] }
    }

    /// Compilation conditions for the executable, which checks the CPU before anything else runs.
    var conditions: [SwiftSetting] {
        switch self {
        case .baseline: []
        case .v3: [.define("LOGIT_MARCH_X86_64_V3")]
        case .v4: [.define("LOGIT_MARCH_X86_64_V3"), .define("LOGIT_MARCH_X86_64_V4")]
        }
    }
}

// The numeric kernels are optimised even in debug builds: unoptimised, a pass over MNIST is ~30x slower, which
// would make the test suite crawl. (-Ounchecked gains nothing here and hides out-of-bounds bugs.)
let optimisedSettings: [SwiftSetting] = swiftSettings + [.unsafeFlags(["-O"] + MachineLevel.chosen.clangFlags)]

let package = Package(
    name: "logit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "logit", targets: ["logit"]),
        .executable(name: "http-floor", targets: ["HTTPFloor"]),
        .executable(name: "logit-fuzz", targets: ["LogitFuzz"]),
        .library(name: "LogitServer", targets: ["LogitServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-numerics.git", exact: "1.1.1"),
        .package(url: "https://github.com/apple/swift-configuration.git", exact: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-system.git", exact: "1.8.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", exact: "1.35.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
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
            dependencies: ["CPNG"],
            swiftSettings: optimisedSettings
        ),
        .target(
            name: "LogitStore",
            dependencies: ["LogitCore", "LogitData", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LogitPostgres",
            dependencies: [
                "LogitCore", "LogitData", "LogitStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LogitServing",
            dependencies: ["LogitCore", "LogitStore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LogitAPI",
            dependencies: ["LogitCore", "LogitData", "LogitStore", "LogitServing", "LogitJobs"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LogitPictures",
            dependencies: ["LogitCore", "LogitData", "LogitImaging", "LogitStore", "LogitServing", "LogitJobs"],
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
            name: "LogitONNX",
            dependencies: ["LogitCore", "LogitStore", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Generated/README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LogitServer",
            dependencies: [
                "LogitCore", "LogitData", "LogitStore", "LogitPostgres", "LogitServing", "LogitJobs", "LogitImaging",
                "LogitPictures", "LogitAPI", "LogitONNX", "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        // The in-process benchmarks' hooks into the server (`logit bench`), kept out of the server's own module.
        .target(
            name: "LogitBenchmarks",
            dependencies: [
                "LogitServer", "LogitServing", "LogitStore", "LogitCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            path: "Benchmarks/LogitBenchmarks",
            swiftSettings: swiftSettings
        ),
        // The libFuzzer targets (docs/reliability.md). A plain build makes a replayer of saved inputs; built with
        // -sanitize=fuzzer and -DLOGIT_FUZZ (make fuzz), the same executable hands its target to libFuzzer.
        .systemLibrary(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
        .executableTarget(
            name: "LogitFuzz",
            dependencies: [
                "LogitServer", "LogitServing", "LogitStore", "LogitData", "LogitCore", "CLibFuzzer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
            ],
            path: "Fuzz/LogitFuzz",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "logit",
            dependencies: [
                "LogitServer", "LogitServing", "LogitPictures", "LogitBenchmarks", "LogitJobs", "LogitData", "LogitStore",
                "LogitPostgres", "LogitCore", "LogitONNX",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), "LogitImaging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings + MachineLevel.chosen.conditions
        ),
        .testTarget(name: "LogitCoreTests", dependencies: ["LogitCore"], swiftSettings: swiftSettings),
        .testTarget(name: "LogitDataTests", dependencies: ["LogitData", "CZlib"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LogitStoreTests",
            dependencies: [
                "LogitStore", "LogitPostgres", "LogitCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "LogitImagingTests", dependencies: ["LogitImaging"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LogitONNXTests",
            dependencies: [
                "LogitONNX", "LogitCore", "LogitStore", "LogitServing",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "LogitServingTests", dependencies: ["LogitServing"], swiftSettings: swiftSettings),
        .testTarget(name: "LogitCommandTests", dependencies: ["logit"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LogitServerTests",
            dependencies: [
                "LogitServer",
                "LogitAPI",
                "LogitServing",
                "LogitONNX", "CZlib",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
