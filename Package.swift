// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Muster",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "muster", targets: ["muster"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        // Latency percentiles over time in `muster bench serve`.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // The scheduling core: pure, no I/O.
        .target(
            name: "MusterCore",
            dependencies: [.product(name: "Collections", package: "swift-collections")]
        ),
        // The system zlib, for reading .csv.gz traces.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // The simulator shell.
        .target(name: "MusterSim", dependencies: ["MusterCore", "CZlib"]),
        // The live cluster.
        .target(name: "MusterAPI", dependencies: ["MusterCore"]),
        .target(
            name: "MusterStore",
            dependencies: [
                "MusterCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "MusterClient",
            dependencies: ["MusterAPI", .product(name: "AsyncHTTPClient", package: "async-http-client")]
        ),
        .target(
            name: "MusterServer",
            dependencies: [
                "MusterCore", "MusterAPI", "MusterStore", "MusterClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "MusterAgent",
            dependencies: ["MusterAPI", "MusterClient", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "muster",
            dependencies: [
                "MusterCore", "MusterSim", "MusterAPI", "MusterStore", "MusterClient", "MusterServer", "MusterAgent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .testTarget(
            name: "MusterCoreTests",
            dependencies: ["MusterCore", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "MusterSimTests", dependencies: ["MusterSim", "MusterCore"]),
        .testTarget(
            name: "MusterStoreTests",
            dependencies: [
                "MusterStore", "MusterCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "MusterLiveTests",
            dependencies: [
                "muster", "MusterCore", "MusterAPI", "MusterStore", "MusterClient", "MusterServer", "MusterAgent",
            ],
            // Python programs the end-to-end tests run under Muster (read through #filePath).
            exclude: ["Resources"]
        ),
    ]
)
