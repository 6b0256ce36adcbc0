/// Where to start (or continue) reading a partition.
///
/// Kafka's rules apply: an exact offset outside the partition's current log range
/// (below the log start, which moves as old records are dropped, or past the end) is
/// "out of range" and is resolved by the consumer's `auto.offset.reset` policy.
public enum KafkaOffset: Sendable, Hashable {
  /// The record at this offset.
  case exact(Int64)
  /// The oldest record still held (the log start offset, the low watermark).
  case beginning
  /// Only records produced from now on (the high watermark).
  case end
  /// The consumer group's committed offset; without one, `auto.offset.reset`.
  case committed
}
