/// How far the store has taken one Kafka partition into one group version's table: the
/// last offset that table has decided on (accepted, duplicate, stale or dead-lettered), and
/// the partition's log clock there. Each table has positions of its own, so a new group
/// version can fill from the earliest offset while the others go on from theirs.
public struct PartitionPosition: Sendable, Hashable {
  /// The group version's table (`<group>_v<version>`).
  public var table: String
  public var topic: String
  public var partition: Int32
  public var offset: Int64
  /// The partition's log clock at that offset (milliseconds; `Int64.min`: not known), from
  /// which the next record's clock is computed, so that a restart measures the dedup window
  /// as an uninterrupted run would.
  public var logClockMillis: Int64

  public init(
    table: String, topic: String, partition: Int32, offset: Int64, logClockMillis: Int64 = .min
  ) {
    self.table = table
    self.topic = topic
    self.partition = partition
    self.offset = offset
    self.logClockMillis = logClockMillis
  }
}
