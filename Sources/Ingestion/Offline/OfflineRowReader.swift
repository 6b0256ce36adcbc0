import OnlineStore
import Parquet

/// Turns the columns of one offline data file back into decoded writes with their Kafka
/// positions: what `offline history` and `verify` need from the offline table.
struct OfflineRowReader {
  let group: FeatureGroup
  let columns: [String: ParquetColumnValues]

  struct MissingColumn: Error, CustomStringConvertible {
    let name: String
    var description: String { "offline data file lacks column '\(name)'" }
  }

  func column(_ name: String) throws -> ParquetColumnValues {
    guard let column = columns[name] else { throw MissingColumn(name: name) }
    return column
  }

  /// One offline row, decoded.
  struct Row {
    var write: FeatureWrite
    var topic: String
    var partition: Int32
    var offset: Int64

    var order: OnlineWriteOrder {
      OnlineWriteOrder(eventTime: write.eventTimeMicros, partition: partition, offset: offset)
    }

    var onlineWrite: OnlineWrite {
      OnlineWrite(
        key: write.key, eventTime: write.eventTimeMicros,
        partition: partition, offset: offset,
        operation: write.operation == .delete ? .delete : .upsert,
        values: write.values)
    }

    var onlineRow: OnlineRow {
      OnlineRow(
        key: write.key, eventTime: write.eventTimeMicros,
        partition: partition, offset: offset, values: write.values)
    }
  }

  func writes() throws -> [Row] {
    let keyColumns = try group.keyFeatures.map { try column($0.name) }
    let valueColumns = try group.valueFeatures.map { try column($0.name) }
    let eventTimes = try column("event_time")
    let operations = try column("_op")
    let keys = try column("_idempotency_key")
    let topics = try column("_kafka_topic")
    let partitions = try column("_kafka_partition")
    let offsets = try column("_kafka_offset")
    var result: [Row] = []
    result.reserveCapacity(offsets.count)
    let keyTypes = group.keyFeatures.map(\.type)
    let valueTypes = group.valueFeatures.map(\.type)
    for row in 0..<offsets.count {
      let key = zip(keyColumns, keyTypes).map { Self.value($0, $1, row) }
      let values = zip(valueColumns, valueTypes).map { Self.value($0, $1, row) }
      let operation: WriteOperation = Self.string(operations, row) == "delete" ? .delete : .upsert
      var write = FeatureWrite(
        groupIndex: 0, groupName: group.name, key: key,
        eventTimeMicros: Self.int64(eventTimes, row) ?? 0, operation: operation,
        values: values, idempotencyKey: Self.string(keys, row) ?? "",
        idempotencyKeyIsDerived: false, contentFingerprint: 0)
      write.contentFingerprint = CanonicalWrite.fingerprint(of: write, in: group)
      result.append(
        Row(
          write: write, topic: Self.string(topics, row) ?? "",
          partition: Int32(Self.int64(partitions, row) ?? 0), offset: Self.int64(offsets, row) ?? 0)
      )
    }
    return result
  }

  static func value(_ column: ParquetColumnValues, _ type: FeatureType, _ row: Int) -> FeatureValue
  {
    if column.isNull(at: row) { return .null }
    switch (type, column) {
    case (.bigint, _): return int64(column, row).map(FeatureValue.bigint) ?? .null
    case (.timestamp, _): return int64(column, row).map(FeatureValue.timestamp) ?? .null
    case (.double, .double(let values, _)): return .double(values[row])
    case (.boolean, .boolean(let values, _)): return .boolean(values[row])
    case (.string, _): return string(column, row).map(FeatureValue.string) ?? .null
    default: return .null
    }
  }

  static func int64(_ column: ParquetColumnValues, _ row: Int) -> Int64? {
    if column.isNull(at: row) { return nil }
    switch column {
    case .int64(let values, _): return values[row]
    case .int32(let values, _): return Int64(values[row])
    default: return nil
    }
  }

  static func string(_ column: ParquetColumnValues, _ row: Int) -> String? {
    guard case .byteArray(let values, _) = column, !column.isNull(at: row) else { return nil }
    return values.string(at: row)
  }
}
