// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: idemstream (CLI) → Ingestion → {Kafka, PostgresOnlineStore →
// OnlineStore, DeltaS3 → {Delta → Parquet, S3}}. Delta knows no HTTP; S3 knows no Delta.
// C libraries enter only through the thin C* modules.
let package = Package(
  name: "idemstream",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "idemstream", targets: ["idemstream"]),
    .library(name: "Kafka", targets: ["Kafka"]),
    .library(name: "Parquet", targets: ["Parquet"]),
    .library(name: "Delta", targets: ["Delta"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
  ],
  targets: [
    // C modules
    .systemLibrary(
      name: "CRdKafka", path: "Sources/CRdKafka", pkgConfig: "rdkafka",
      providers: [.apt(["librdkafka-dev"])]),
    .target(name: "CKafkaShim", dependencies: ["CRdKafka"], path: "Sources/CKafkaShim"),
    .systemLibrary(
      name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]
    ),
    .systemLibrary(name: "CSnappy", path: "Sources/CSnappy", providers: [.apt(["libsnappy-dev"])]),
    .systemLibrary(
      name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]),

    // Swift modules
    .target(name: "Kafka", dependencies: ["CRdKafka", "CKafkaShim"]),
    .executableTarget(
      name: "kafka-bench", dependencies: ["Kafka", "CRdKafka", "CKafkaShim"],
      path: "Benchmarks/KafkaBench"),
    .target(name: "Parquet", dependencies: ["CZstd", "CSnappy"]),
    .target(name: "Delta", dependencies: ["Parquet"]),
    .executableTarget(
      name: "delta-bench", dependencies: ["Delta", "Parquet"], path: "Benchmarks/DeltaBench"),
    .target(
      name: "S3",
      dependencies: [
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ]),
    .target(
      name: "DeltaS3",
      dependencies: ["Delta", "Parquet", "S3", .product(name: "NIOPosix", package: "swift-nio")]),
    .target(name: "OnlineStore", dependencies: ["CSQLite"]),
    .target(
      name: "PostgresOnlineStore",
      dependencies: [
        "OnlineStore",
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ]),
    .executableTarget(
      name: "online-bench", dependencies: ["OnlineStore"], path: "Benchmarks/OnlineBench"),
    .target(
      name: "Ingestion",
      dependencies: [
        "Kafka", "Parquet", "Delta", "DeltaS3", "OnlineStore", "PostgresOnlineStore",
        .product(name: "Yams", package: "Yams"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Metrics", package: "swift-metrics"),
      ]),
    .executableTarget(
      name: "decode-bench", dependencies: ["Ingestion"], path: "Benchmarks/DecodeBench"),
    .executableTarget(
      name: "parquet-bench", dependencies: ["Parquet"], path: "Benchmarks/ParquetBench"),
    .executableTarget(
      name: "idemstream",
      dependencies: [
        "Ingestion", "Kafka",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ]),

    // Tests
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "KafkaTests", dependencies: ["TestSupport", "Kafka"]),
    .testTarget(name: "ParquetTests", dependencies: ["TestSupport", "Parquet"]),
    .testTarget(
      name: "DeltaTests", dependencies: ["TestSupport", "Delta", "Parquet", "delta-bench"]),
    .testTarget(
      name: "OnlineStoreTests", dependencies: ["TestSupport", "OnlineStore", "PostgresOnlineStore"]),
    .testTarget(
      name: "S3Tests", dependencies: ["TestSupport", "S3", "DeltaS3", "Delta", "Parquet"]),
    .testTarget(
      name: "IngestionTests", dependencies: ["TestSupport", "Ingestion", "PostgresOnlineStore"]),
    .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "Kafka"]),
    .testTarget(name: "ReliabilityTests", dependencies: ["TestSupport", "Ingestion"]),
  ]
)
