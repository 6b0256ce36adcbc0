/// Something that happened to a consumer besides records arriving, delivered as a value in
/// the poll result that saw it.
public enum KafkaConsumerEvent: Sendable, Hashable {
  /// The group gave this consumer these partitions; reading starts at the given offsets
  /// (the start-offset provider's answers, `.committed` where it had none).
  case assigned([TopicPartition: KafkaOffset])
  /// The group took these partitions away. No record of them is returned after this
  /// event; a service should finish (commit) the work it holds for them.
  case revoked([TopicPartition])
  /// The outcome of a commit (`commit`, `commitAsync` or an automatic one): the offsets
  /// librdkafka committed, or why it could not. For `commitAsync` this is the only report.
  case committed([TopicPartition: Int64], KafkaError?)
  /// A non-fatal condition librdkafka reported (broker down, record-level error...).
  /// librdkafka retries these by itself; they are reported so that a service can log them.
  case error(KafkaError)
}
