import Delta

/// The offline table of a feature group, as docs/reference.md ("On disk") lays it out: the
/// primary-key columns, `event_time`, the features (nullable), then the bookkeeping columns
/// `_op`, `_idempotency_key`, `_kafka_topic`, `_kafka_partition`, `_kafka_offset`.
enum OfflineTableLayout {
  static let bookkeepingColumns = [
    "_op", "_idempotency_key", "_kafka_topic", "_kafka_partition", "_kafka_offset",
  ]

  static func schema(of group: FeatureGroup) -> DeltaSchema {
    var fields: [DeltaField] = group.keyFeatures.map {
      DeltaField($0.name, deltaType($0.type), nullable: false)
    }
    fields.append(DeltaField("event_time", .timestamp, nullable: false))
    fields += group.valueFeatures.map { DeltaField($0.name, deltaType($0.type), nullable: true) }
    fields += [
      DeltaField("_op", .string, nullable: false),
      DeltaField("_idempotency_key", .string, nullable: false),
      DeltaField("_kafka_topic", .string, nullable: false),
      DeltaField("_kafka_partition", .integer, nullable: false),
      DeltaField("_kafka_offset", .long, nullable: false),
    ]
    return DeltaSchema(fields)
  }

  static func deltaType(_ type: FeatureType) -> DeltaDataType {
    switch type {
    case .bigint: return .long
    case .double: return .double
    case .string: return .string
    case .boolean: return .boolean
    case .timestamp: return .timestamp
    }
  }

  /// The dead-letter table: what was received, where, and what was wrong with it.
  static let deadLetterSchema = DeltaSchema([
    DeltaField("topic", .string, nullable: false),
    DeltaField("partition", .integer, nullable: false),
    DeltaField("offset", .long, nullable: false),
    DeltaField("key", .string, nullable: true),
    DeltaField("value", .string, nullable: true),
    DeltaField("error", .string, nullable: false),
    DeltaField("ingested_at", .timestamp, nullable: false),
  ])

  static let deadLetterTableName = "_dead_letters"
}
