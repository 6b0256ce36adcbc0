/// The order of two writes to one entity (contract section 4): event time, then Kafka
/// partition, then offset. The online store keeps, per entity, the write with the greatest
/// order; a write whose order is not greater is stale.
public struct OnlineWriteOrder: Sendable, Hashable, Comparable {
  /// Epoch microseconds.
  public var eventTime: Int64
  public var partition: Int32
  public var offset: Int64

  public init(eventTime: Int64, partition: Int32, offset: Int64) {
    self.eventTime = eventTime
    self.partition = partition
    self.offset = offset
  }

  /// Last-write-wins, the one rule both the store and a dry run apply: a write whose order
  /// is not greater than the entity's held one (row or tombstone) is stale.
  @inline(__always)
  public func isStale(against held: OnlineWriteOrder?) -> Bool {
    guard let held else { return false }
    return self <= held
  }

  public static func < (lhs: Self, rhs: Self) -> Bool {
    if lhs.eventTime != rhs.eventTime { return lhs.eventTime < rhs.eventTime }
    if lhs.partition != rhs.partition { return lhs.partition < rhs.partition }
    return lhs.offset < rhs.offset
  }
}
