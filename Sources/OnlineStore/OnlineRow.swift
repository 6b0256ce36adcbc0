/// One live entity of the online store: its key, the order of the write it holds and that
/// write's features.
public struct OnlineRow: Sendable, Hashable {
  /// Primary-key values in `OnlineTableSchema.keyColumns` order.
  public var key: [OnlineValue]
  /// Epoch microseconds.
  public var eventTime: Int64
  public var partition: Int32
  public var offset: Int64
  /// Feature values in `OnlineTableSchema.valueColumns` order.
  public var values: [OnlineValue]

  public init(
    key: [OnlineValue], eventTime: Int64, partition: Int32, offset: Int64, values: [OnlineValue]
  ) {
    self.key = key
    self.eventTime = eventTime
    self.partition = partition
    self.offset = offset
    self.values = values
  }

  public var order: OnlineWriteOrder {
    OnlineWriteOrder(eventTime: eventTime, partition: partition, offset: offset)
  }
}
