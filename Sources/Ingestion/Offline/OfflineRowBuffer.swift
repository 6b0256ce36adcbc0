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

  init(group: FeatureGroup) {
    self.group = group
    keyColumns = group.keyFeatures.map { ColumnBuilder(featureType: $0.type) }
    valueColumns = group.valueFeatures.map { ColumnBuilder(featureType: $0.type) }
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
    idempotencyKeys.append(string: write.idempotencyKey)
    topics.append(string: topic)
    partitions.append(int32: partition)
    offsets.append(int64: offset)
  }

  /// The columns in table order, ready for a Parquet data file.
  func columns() -> [ParquetColumnValues] {
    keyColumns.map { $0.finish() } + [eventTimes.finish()] + valueColumns.map { $0.finish() } + [
      operations.finish(), idempotencyKeys.finish(), topics.finish(), partitions.finish(),
      offsets.finish(),
    ]
  }
}
