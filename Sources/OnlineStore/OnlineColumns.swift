/// A group's writes for one batch as the apply reads them: column arrays, and which of
/// their rows to take, in processing order.
///
/// Built once per batch from any `OnlineWriteColumns`; the apply's loops then index plain
/// arrays (no protocol call, enum or `String` per cell). See `OnlineColumnReader`.
public struct OnlineColumns: Sendable {
  public var eventTimes: [Int64]
  public var partitions: [Int32]
  public var offsets: [Int64]
  public var deletes: [Bool]
  /// In `OnlineTableSchema.keyColumns` order.
  public var keys: [OnlineColumnValues]
  /// In `OnlineTableSchema.valueColumns` order.
  public var values: [OnlineColumnValues]
  /// The rows of the columns that are the batch's writes, in processing order.
  public var rows: [Int32]

  public init(
    eventTimes: [Int64], partitions: [Int32], offsets: [Int64], deletes: [Bool],
    keys: [OnlineColumnValues], values: [OnlineColumnValues], rows: [Int32]
  ) {
    self.eventTimes = eventTimes
    self.partitions = partitions
    self.offsets = offsets
    self.deletes = deletes
    self.keys = keys
    self.values = values
    self.rows = rows
  }

  /// Copies `writes` row by row into columns of the given types (values must fit them;
  /// a delete's values are taken as nulls).
  public init(
    rowsOf writes: some OnlineWriteColumns, keyTypes: [OnlineColumnType],
    valueTypes: [OnlineColumnType]
  ) {
    var eventTimes: [Int64] = []
    var partitions: [Int32] = []
    var offsets: [Int64] = []
    var deletes: [Bool] = []
    var keyCells = [[OnlineValue]](repeating: [], count: keyTypes.count)
    var valueCells = [[OnlineValue]](repeating: [], count: valueTypes.count)
    var key: [OnlineValue] = []
    var values: [OnlineValue] = []
    for row in 0..<writes.count {
      let order = writes.order(at: row)
      eventTimes.append(order.eventTime)
      partitions.append(order.partition)
      offsets.append(order.offset)
      let deleted = writes.isDelete(at: row)
      deletes.append(deleted)
      writes.key(at: row, into: &key)
      for column in keyTypes.indices { keyCells[column].append(key[column]) }
      if deleted {
        values = []
      } else {
        writes.values(at: row, into: &values)
      }
      for column in valueTypes.indices {
        valueCells[column].append(column < values.count ? values[column] : .null)
      }
    }
    self.init(
      eventTimes: eventTimes, partitions: partitions, offsets: offsets, deletes: deletes,
      keys: zip(keyTypes, keyCells).map { OnlineColumnValues(type: $0, values: $1) },
      values: zip(valueTypes, valueCells).map { OnlineColumnValues(type: $0, values: $1) },
      rows: (0..<Int32(writes.count)).map { $0 })
  }

  public func order(at row: Int) -> OnlineWriteOrder {
    OnlineWriteOrder(eventTime: eventTimes[row], partition: partitions[row], offset: offsets[row])
  }
}
