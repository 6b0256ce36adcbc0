/// Whether a write sets the entity's features or removes the entity (leaving a tombstone).
public enum OnlineOperation: String, Sendable, Hashable {
  case upsert
  case delete
}

/// One accepted feature write, as the online store needs it: the entity, its order and the
/// full feature row.
public struct OnlineWrite: Sendable, Hashable {
  /// Primary-key values in `OnlineTableSchema.keyColumns` order; never null.
  public var key: [OnlineValue]
  /// Epoch microseconds.
  public var eventTime: Int64
  public var partition: Int32
  public var offset: Int64
  public var operation: OnlineOperation
  /// Feature values in `OnlineTableSchema.valueColumns` order (null allowed). Ignored for a
  /// delete, which may leave it empty. A NaN double is stored as null (SQLite has no NaN).
  public var values: [OnlineValue]

  public init(
    key: [OnlineValue], eventTime: Int64, partition: Int32, offset: Int64,
    operation: OnlineOperation = .upsert, values: [OnlineValue]
  ) {
    self.key = key
    self.eventTime = eventTime
    self.partition = partition
    self.offset = offset
    self.operation = operation
    self.values = values
  }

  public var order: OnlineWriteOrder {
    OnlineWriteOrder(eventTime: eventTime, partition: partition, offset: offset)
  }
}
