/// One partition of one topic: the unit of ordering, assignment and offsets in Kafka.
public struct TopicPartition: Sendable, Hashable, Comparable, CustomStringConvertible {
  public let topic: String
  public let partition: Int32

  public init(_ topic: String, _ partition: Int32) {
    self.topic = topic
    self.partition = partition
  }

  public var description: String { "\(topic)[\(partition)]" }

  public static func < (lhs: TopicPartition, rhs: TopicPartition) -> Bool {
    (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
  }
}
