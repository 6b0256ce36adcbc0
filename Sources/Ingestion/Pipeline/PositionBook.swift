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

  /// Where each partition resumes: after what the stores hold, else the beginning.
  func startOffsets(for partitions: [TopicPartition]) -> [TopicPartition: KafkaOffset] {
    positions.withLock { held in
      Dictionary(
        uniqueKeysWithValues: partitions.map { partition in
          (partition, held[partition].map { KafkaOffset.exact($0 + 1) } ?? .beginning)
        })
    }
  }
}
