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
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.25.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.3.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.20.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.5.0"),
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
        // Compute parties on the network: mutual-TLS connections between parties, framing,
        // session multiplexing, party configuration and identities. Implements `Transport`.
        .target(
            name: "CairnNetwork",
            dependencies: [
                "CairnMPC",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Studies: definitions (tables, validation, cohorts, statistics, parties) and the
        // contributor's submission format (additive shares encrypted to each party with HPKE).
        // Knows nothing of HTTP or storage.
        .target(
            name: "CairnStudy",
            dependencies: [
                "CairnArithmetic",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The analytics a study declares, computed with the MPC protocols: per-cell statistics for
        // every cohort, small-cell suppression inside MPC.
        .target(name: "CairnAnalytics", dependencies: ["CairnMPC", "CairnStudy", "CairnArithmetic"]),
        // The study service's storage: studies, participation links, the latest submission
        // per participant and a participation log. One `StudyStore` interface, two
        // implementations: SQLite (GRDB, the embedded default) and PostgreSQL (postgres-nio).
        .target(
            name: "CairnStore",
            dependencies: [
                "CairnStudy",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // The study service (`cairn serve`): the HTTP API of docs/API.md on Hummingbird, over a
        // `StudyStore`. Sees envelopes, never plaintext shares.
        .target(
            name: "CairnService",
            dependencies: [
                "CairnStudy",
                "CairnStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            // The browser pages (plain HTML, CSS and JavaScript modules), served as they are.
            resources: [.copy("Web")]
        ),
        // The API's client side (AsyncHTTPClient): what the CLI, the compute parties and the
        // demo use to talk to the study service.
        .target(
            name: "CairnClient",
            dependencies: [
                "CairnStudy",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // Only to tell apart why a connection failed (DNS, refused, TLS) in plain words.
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Test support shared by the store's and the service's tests: the backends to run against.
        .target(name: "CairnStoreTesting", dependencies: ["CairnStore"], path: "Sources/CairnStoreTesting"),
        // Operating-system settings Swift's Glibc module does not expose (malloc tuning).
        .target(name: "CCairnSystem"),
        // The command-line tool's logic, kept in a library so tests can call it.
        .target(
            name: "CairnCommands",
            dependencies: [
                "CCairnSystem",
                "CairnArithmetic",
                "CairnMPC",
                "CairnNetwork",
                "CairnStudy",
                "CairnAnalytics",
                "CairnStore",
                "CairnService",
                "CairnClient",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "cairn", dependencies: ["CairnCommands"]),
        .testTarget(name: "CairnArithmeticTests", dependencies: ["CairnArithmetic"]),
        .testTarget(name: "CairnMPCTests", dependencies: ["CairnMPC", "CairnArithmetic"]),
        .testTarget(
            name: "CairnNetworkTests",
            dependencies: [
                "CairnNetwork", "CairnMPC", "CairnArithmetic",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "CairnStudyTests", dependencies: ["CairnStudy", "CairnArithmetic"]),
        .testTarget(name: "CairnAnalyticsTests", dependencies: ["CairnAnalytics", "CairnMPC", "CairnStudy", "CairnArithmetic"]),
        .testTarget(
            name: "CairnCommandsTests",
            dependencies: ["CairnCommands", "CairnStudy", "CairnClient", "CairnAnalytics", "CairnArithmetic", "CairnNetwork"]
        ),
        .testTarget(
            name: "CairnServiceTests",
            dependencies: [
                "CairnService", "CairnStore", "CairnStoreTesting", "CairnStudy", "CairnClient",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "CairnStoreTests",
            dependencies: [
                "CairnStore", "CairnStoreTesting", "CairnStudy",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
    ]
)
