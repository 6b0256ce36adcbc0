import OnlineStore
import Parquet

/// One feature group's accepted rows of the batch in hand, column by column, in the
/// table's column order (`OfflineTableLayout`).
struct OfflineRowBuffer {
  let group: FeatureGroup
  private var keyColumns: [ColumnBuilder]
  private var eventTimes = ColumnBuilder(kind: .int64)
  private var valueColumns: [ColumnBuilder]
  private var operations = ColumnBuilder(kind: .string)
  private var idempotencyKeys = ColumnBuilder(kind: .string)
  private var topics = ColumnBuilder(kind: .string)
  private var partitions = ColumnBuilder(kind: .int32)
  private var offsets = ColumnBuilder(kind: .int64)
  /// Per row, whether it is a tombstone (the `_op` column, as the online apply reads it).
  private var deletes: [Bool] = []
  private let keyTypes: [FeatureType]
  private let valueTypes: [FeatureType]

  init(group: FeatureGroup) {
    self.group = group
    keyColumns = group.keyFeatures.map { ColumnBuilder(featureType: $0.type) }
    valueColumns = group.valueFeatures.map { ColumnBuilder(featureType: $0.type) }
    keyTypes = group.keyFeatures.map(\.type)
    valueTypes = group.valueFeatures.map(\.type)
  }

  var count: Int { offsets.count }
  var isEmpty: Bool { offsets.count == 0 }

  mutating func append(_ write: FeatureWrite, topic: String, partition: Int32, offset: Int64) {
    for index in keyColumns.indices { keyColumns[index].append(write.key[index]) }
    eventTimes.append(int64: write.eventTimeMicros)
    for index in valueColumns.indices {
      valueColumns[index].append(index < write.values.count ? write.values[index] : .null)
    }
    operations.append(string: write.operation.rawValue)
    deletes.append(write.operation == .delete)
    idempotencyKeys.append(string: write.idempotencyKey)
    topics.append(string: topic)
    partitions.append(int32: partition)
    offsets.append(int64: offset)
  }

  /// Appends a decoded row: the loop's path, with no `FeatureWrite` in between.
  mutating func append(_ row: DecodedRow, topic: String, partition: Int32, offset: Int64) {
    for index in keyColumns.indices { keyColumns[index].append(row.key(index), of: row) }
    eventTimes.append(int64: row.eventTimeMicros)
    for index in valueColumns.indices {
      valueColumns[index].append(index < row.valueCount ? row.value(index) : .null, of: row)
    }
    // The bytes of a StaticString: `rawValue` would make a String to take them from.
    let operation: StaticString = row.operation == .delete ? "delete" : "upsert"
    operation.withUTF8Buffer { operations.append(bytes: UnsafeRawBufferPointer($0)) }
    deletes.append(row.operation == .delete)
    row.withIdempotencyKey { idempotencyKeys.append(bytes: $0) }
    topics.append(string: topic)
    partitions.append(int32: partition)
    offsets.append(int64: offset)
  }

  /// A copy without the rows `removed` (indices in ascending order): the offline part of a
  /// batch whose other rows the table already holds. Copies value by value; it runs only
  /// for the first batch after a crash between the two commits.
  func removing(_ removed: [Int32]) -> OfflineRowBuffer {
    var copy = OfflineRowBuffer(group: group)
    var skip = removed.makeIterator()
    var nextSkipped = skip.next()
    for row in 0..<count {
      if let skipped = nextSkipped, Int(skipped) == row {
        nextSkipped = skip.next()
        continue
      }
      for index in keyColumns.indices {
        copy.keyColumns[index].append(keyColumns[index].value(at: row, as: keyTypes[index]))
      }
      copy.eventTimes.append(int64: eventTimes.int64(at: row))
      for index in valueColumns.indices {
        copy.valueColumns[index].append(
          valueColumns[index].value(at: row, as: valueTypes[index]))
      }
      copy.operations.append(operations.value(at: row, as: .string))
      copy.deletes.append(deletes[row])
      copy.idempotencyKeys.append(idempotencyKeys.value(at: row, as: .string))
      copy.topics.append(topics.value(at: row, as: .string))
      copy.partitions.append(int32: partitions.int32(at: row))
      copy.offsets.append(int64: offsets.int64(at: row))
    }
    return copy
  }

  // MARK: Reading a row back, for the online apply (`OnlineRowsView`)

  func order(at row: Int) -> OnlineWriteOrder {
    OnlineWriteOrder(
      eventTime: eventTimes.int64(at: row), partition: partitions.int32(at: row),
      offset: offsets.int64(at: row))
  }

  func isDelete(at row: Int) -> Bool { deletes[row] }

  func key(at row: Int, into key: inout [FeatureValue]) {
    key.removeAll(keepingCapacity: true)
    for index in keyColumns.indices {
      key.append(keyColumns[index].value(at: row, as: keyTypes[index]))
    }
  }

  func values(at row: Int, into values: inout [FeatureValue]) {
    values.removeAll(keepingCapacity: true)
    for index in valueColumns.indices {
      values.append(valueColumns[index].value(at: row, as: valueTypes[index]))
    }
  }

  /// The rows `rows` as the online apply reads them (the buffer's arrays, shared).
  func onlineColumns(rows: [Int32]) -> OnlineColumns {
    OnlineColumns(
      eventTimes: eventTimes.int64Values, partitions: partitions.int32Values,
      offsets: offsets.int64Values, deletes: deletes,
      keys: keyColumns.indices.map { keyColumns[$0].onlineValues(as: keyTypes[$0]) },
      values: valueColumns.indices.map { valueColumns[$0].onlineValues(as: valueTypes[$0]) },
      rows: rows)
  }

  /// The columns in table order, ready for a Parquet data file.
  func columns() -> [ParquetColumnValues] {
    keyColumns.map { $0.finish() } + [eventTimes.finish()] + valueColumns.map { $0.finish() } + [
      operations.finish(), idempotencyKeys.finish(), topics.finish(), partitions.finish(),
      offsets.finish(),
    ]
  }
}
