import Parquet

/// The Parquet schema of a classic checkpoint: one nullable struct column per action type,
/// each row holding exactly one action. Field names, nesting and nullability follow the Delta
/// protocol (and what Spark and delta-rs write), so other engines read our checkpoints.
enum CheckpointSchema {
  static let fields: [ParquetField] = [
    .group(
      "txn",
      [
        .string("appId"), .int64("version"), .int64("lastUpdated", nullable: true),
      ]),
    .group(
      "add",
      [
        .string("path"), .stringMap("partitionValues", nullable: false), .int64("size"),
        .int64("modificationTime"), .boolean("dataChange"), .string("stats", nullable: true),
        .stringMap("tags"),
      ]),
    .group(
      "remove",
      [
        .string("path"), .int64("deletionTimestamp", nullable: true), .boolean("dataChange"),
        .boolean("extendedFileMetadata", nullable: true), .stringMap("partitionValues"),
        .int64("size", nullable: true), .stringMap("tags"),
      ]),
    .group(
      "metaData",
      [
        .string("id"), .string("name", nullable: true), .string("description", nullable: true),
        .group(
          "format", nullable: false,
          [.string("provider"), .stringMap("options", nullable: true)]),
        .string("schemaString"),
        .list("partitionColumns", element: .string("element"), nullable: false),
        .int64("createdTime", nullable: true),
        .stringMap("configuration", nullable: false),
      ]),
    .group(
      "protocol",
      [
        .int32("minReaderVersion"), .int32("minWriterVersion"),
        .list("readerFeatures", element: .string("element")),
        .list("writerFeatures", element: .string("element")),
      ]),
  ]
}
