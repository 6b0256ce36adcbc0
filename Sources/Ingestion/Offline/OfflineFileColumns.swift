import Delta
import OnlineStore
import Parquet

/// The columns of one offline data file that deciding "which row is each entity's greatest"
/// needs, decoded once and kept column-wise: the key and feature columns as read, and the
/// order columns (`event_time`, `_kafka_partition`, `_kafka_offset`) as flat integer arrays.
///
/// Unlike `OfflineRowReader.writes()`, nothing is built per row: no `FeatureWrite`, no
/// content fingerprint, and `_idempotency_key` (the widest column) is not even read. A row
/// becomes an `OnlineRow` only when asked for by position. Missing values read as
/// `OfflineRowReader` reads them (a null order column as 0, a null topic as "").
///
/// A class because the winners refer back to their file once per compared entity: handing
/// out a reference costs one retain, copying a struct of eleven arrays costs eleven.
final class OfflineFileColumns: Sendable {
  let rowCount: Int
  let keyColumns: [ParquetColumnValues]
  private let keyTypes: [FeatureType]
  private let valueColumns: [ParquetColumnValues]
  private let valueTypes: [FeatureType]
  private let operations: ParquetColumnValues
  let eventTimes: [Int64]
  let partitions: [Int32]
  let offsets: [Int64]
  /// Per row, an index into `topics`: the distinct topics of the file, so that a row's topic
  /// is compared as a number rather than rebuilt as a string.
  let topicIndices: [Int32]
  let topics: [String]

  /// The table columns this reads, in table order.
  static func columnNames(of group: FeatureGroup) -> [String] {
    group.keyFeatures.map(\.name) + ["event_time"] + group.valueFeatures.map(\.name)
      + ["_op", "_kafka_topic", "_kafka_partition", "_kafka_offset"]
  }

  /// Reads `file` of `snapshot`, only the columns it needs.
  static func read(
    _ file: AddFile, of table: DeltaTable, snapshot: Snapshot, group: FeatureGroup
  ) throws -> OfflineFileColumns {
    // A column the table does not have is reported by name below, as the row reader does.
    let names = columnNames(of: group).filter { snapshot.schema.field(named: $0) != nil }
    guard
      let batch = try table.read(snapshot: snapshot, files: [file], columns: names).first
    else {
      return try OfflineFileColumns(group: group, columns: [:])
    }
    var columns: [String: ParquetColumnValues] = [:]
    for (field, column) in zip(batch.fields, batch.columns) { columns[field.name] = column }
    return try OfflineFileColumns(group: group, columns: columns)
  }

  init(group: FeatureGroup, columns: [String: ParquetColumnValues]) throws {
    let reader = OfflineRowReader(group: group, columns: columns)
    keyColumns = try group.keyFeatures.map { try reader.column($0.name) }
    keyTypes = group.keyFeatures.map(\.type)
    valueColumns = try group.valueFeatures.map { try reader.column($0.name) }
    valueTypes = group.valueFeatures.map(\.type)
    let eventTimeColumn = try reader.column("event_time")
    operations = try reader.column("_op")
    let topicColumn = try reader.column("_kafka_topic")
    let partitionColumn = try reader.column("_kafka_partition")
    let offsetColumn = try reader.column("_kafka_offset")
    rowCount = offsetColumn.count
    eventTimes = Self.integers(eventTimeColumn, rows: rowCount)
    partitions = Self.integers(partitionColumn, rows: rowCount).map {
      Int32(truncatingIfNeeded: $0)
    }
    offsets = Self.integers(offsetColumn, rows: rowCount)
    (topicIndices, topics) = Self.distinctStrings(topicColumn, rows: rowCount)
  }

  /// Key column `column` of `row`, as the online store holds it.
  func keyValue(_ column: Int, _ row: Int) -> OnlineValue {
    OfflineRowReader.value(keyColumns[column], keyTypes[column], row)
  }

  /// Value feature `column` (of the group's `valueFeatures`) of `row`.
  func value(_ column: Int, _ row: Int) -> FeatureValue {
    OfflineRowReader.value(valueColumns[column], valueTypes[column], row)
  }

  /// Whether `row` is a delete (a tombstone for its entity).
  func isDelete(_ row: Int) -> Bool { OfflineRowReader.string(operations, row) == "delete" }

  /// `row` as the online row an upsert of it leaves.
  func onlineRow(_ row: Int, order: OnlineWriteOrder) -> OnlineRow {
    OnlineRow(
      key: keyColumns.indices.map { keyValue($0, row) }, eventTime: order.eventTime,
      partition: order.partition, offset: order.offset,
      values: zip(valueColumns, valueTypes).map {
        OfflineRowReader.value($0, $1, row)
      })
  }

  /// An integer column as `Int64`s, null (or any other type) as 0.
  private static func integers(_ column: ParquetColumnValues, rows: Int) -> [Int64] {
    (0..<rows).map { OfflineRowReader.int64(column, $0) ?? 0 }
  }

  /// Numbers the distinct values of a string column (null as ""). Neighbouring rows nearly
  /// always share a topic, so a row's bytes are first compared with the previous row's.
  private static func distinctStrings(_ column: ParquetColumnValues, rows: Int) -> (
    [Int32], [String]
  ) {
    var indices = [Int32](repeating: 0, count: rows)
    var distinct: [String] = []
    var known: [String: Int32] = [:]
    guard case .byteArray(let bytes, _) = column else {
      return (indices, rows == 0 ? [] : [""])
    }
    var previous: Int32 = -1
    for row in 0..<rows {
      if row > 0, column.isNull(at: row) == column.isNull(at: row - 1),
        bytes[row] == bytes[row - 1]
      {
        indices[row] = previous
        continue
      }
      let text = OfflineRowReader.string(column, row) ?? ""
      if let index = known[text] {
        previous = index
      } else {
        previous = Int32(distinct.count)
        known[text] = previous
        distinct.append(text)
      }
      indices[row] = previous
    }
    return (indices, distinct)
  }
}
