/// How far a store has taken one Kafka partition: the last offset it has decided on
/// (accepted, duplicate, stale or dead-lettered). Consumption resumes at `offset + 1`.
public struct PartitionPosition: Sendable, Hashable {
  public var topic: String
  public var partition: Int32
  public var offset: Int64
  /// The partition's log clock at that offset (milliseconds; `Int64.min`: not known), from
  /// which the next record's clock is computed, so that a restart measures the dedup window
  /// as an uninterrupted run would.
  public var logClockMillis: Int64

  public init(topic: String, partition: Int32, offset: Int64, logClockMillis: Int64 = .min) {
    self.topic = topic
    self.partition = partition
    self.offset = offset
    self.logClockMillis = logClockMillis
  }
}
