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
    ],
    targets: [
        .target(
            name: "MusterCore",
            dependencies: [.product(name: "Collections", package: "swift-collections")]
        ),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "MusterSim", dependencies: ["MusterCore", "CZlib"]),
        .executableTarget(
            name: "muster",
            dependencies: [
                "MusterCore", "MusterSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "MusterCoreTests",
            dependencies: ["MusterCore", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "MusterSimTests", dependencies: ["MusterSim", "MusterCore"]),
    ]
)
