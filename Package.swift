// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Cairn",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cairn", targets: ["cairn"]),
        .library(name: "CairnArithmetic", targets: ["CairnArithmetic"]),
        .library(name: "CairnMPC", targets: ["CairnMPC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        // Ring Z/2^64 and fixed-point encoding. Depends on nothing.
        .target(name: "CairnArithmetic"),
        // Three-party replicated secret sharing and the protocols over it.
        // Speaks to a `Transport`; never imports NIO, HTTP or a database.
        .target(
            name: "CairnMPC",
            dependencies: [
                "CairnArithmetic",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Operating-system settings Swift's Glibc module does not expose (malloc tuning).
        .target(name: "CCairnSystem"),
        // The command-line tool's logic, kept in a library so tests can call it.
        .target(
            name: "CairnCommands",
            dependencies: [
                "CCairnSystem",
                "CairnArithmetic",
                "CairnMPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "cairn", dependencies: ["CairnCommands"]),
        .testTarget(name: "CairnArithmeticTests", dependencies: ["CairnArithmetic"]),
        .testTarget(name: "CairnMPCTests", dependencies: ["CairnMPC", "CairnArithmetic"]),
        .testTarget(name: "CairnCommandsTests", dependencies: ["CairnCommands"]),
    ]
)
