import Delta
import Parquet

/// Rows shaped like an idemstream feature table (key, event time, features, Kafka columns).
enum SampleBatch {
  static let schema = DeltaSchema([
    DeltaField("user_id", .string, nullable: false), DeltaField("event_time", .timestamp),
    DeltaField("clicks", .long), DeltaField("spend", .double), DeltaField("_op", .string),
    DeltaField("_idempotency_key", .string), DeltaField("_kafka_partition", .integer),
    DeltaField("_kafka_offset", .long),
  ])

  /// `rows` rows whose offsets start at `firstOffset`.
  static func columns(rows: Int, firstOffset: Int64, partition: Int32) -> [ParquetColumnValues] {
    let offsets = (0..<rows).map { firstOffset + Int64($0) }
    return [
      .strings(offsets.map { "user-\($0 % 1000)" }),
      .int64(offsets.map { 1_700_000_000_000_000 + $0 * 1000 }, validity: nil),
      .int64(offsets.map { $0 % 17 }, validity: nil),
      .double(offsets.map { Double($0) * 0.5 }, validity: nil),
      .strings(Array(repeating: "upsert", count: rows)),
      .strings(offsets.map { "key-\(partition)-\($0)" }),
      .int32(Array(repeating: partition, count: rows), validity: nil),
      .int64(offsets, validity: nil),
    ]
  }

  /// `rows` rows for any flat schema, derived from the row offset, so any table can be fed.
  static func columns(for schema: DeltaSchema, rows: Int, firstOffset: Int64) throws
    -> [ParquetColumnValues]
  {
    let offsets = (0..<rows).map { firstOffset + Int64($0) }
    return try schema.fields.map { field in
      switch field.type {
      case .long: return .int64(offsets, validity: nil)
      case .timestamp, .timestampWithoutTimeZone:
        return .int64(offsets.map { 1_700_000_000_000_000 + $0 }, validity: nil)
      case .integer, .short, .byte, .date:
        return .int32(offsets.map { Int32($0 % 100) }, validity: nil)
      case .double: return .double(offsets.map { Double($0) * 0.5 }, validity: nil)
      case .boolean: return .boolean(offsets.map { $0 % 2 == 0 }, validity: nil)
      case .string, .binary: return .strings(offsets.map { "value-\($0)" })
      case .float, .decimal:
        throw UsageError(message: "cannot generate \(field.type.sparkName) column \(field.name)")
      }
    }
  }
}
