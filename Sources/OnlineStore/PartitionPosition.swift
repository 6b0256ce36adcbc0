/// How far a store has taken one Kafka partition: the last offset it has decided on
/// (accepted, duplicate, stale or dead-lettered). Consumption resumes at `offset + 1`.
public struct PartitionPosition: Sendable, Hashable {
  public var topic: String
  public var partition: Int32
  public var offset: Int64

  public init(topic: String, partition: Int32, offset: Int64) {
    self.topic = topic
    self.partition = partition
    self.offset = offset
  }
}
