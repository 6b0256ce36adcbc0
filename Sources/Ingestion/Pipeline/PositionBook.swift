import Kafka
import Synchronization

/// What the stores hold per partition, shared with the consumer's start-offset provider,
/// which librdkafka calls from inside `poll` during a rebalance.
final class PositionBook: Sendable {
  private let positions: Mutex<[TopicPartition: Int64]>

  init(_ positions: [TopicPartition: Int64]) { self.positions = Mutex(positions) }

  var current: [TopicPartition: Int64] { positions.withLock { $0 } }

  func advance(_ batch: [TopicPartition: Int64]) {
    positions.withLock { held in held.merge(batch) { max($0, $1) } }
  }

  /// Where each partition resumes: after what every table holds, else (a table holds
  /// nothing of it: -1 or absent) at the earliest offset Kafka still holds.
  func startOffsets(for partitions: [TopicPartition]) -> [TopicPartition: KafkaOffset] {
    positions.withLock { held in
      Dictionary(
        uniqueKeysWithValues: partitions.map { partition in
          (
            partition,
            held[partition].flatMap { $0 >= 0 ? KafkaOffset.exact($0 + 1) : nil } ?? .beginning
          )
        })
    }
  }
}
