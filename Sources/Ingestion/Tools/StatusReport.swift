import Foundation
import Kafka

/// Per partition: the high watermark and where each store stands (`idemstream status`).
public struct PartitionStatus: Sendable, Codable, Hashable {
  public var topic: String
  public var partition: Int32
  public var highWatermark: Int64?
  /// The last offset each store has decided on; nil when it has taken nothing.
  public var onlineOffset: Int64?
  public var offlineOffset: Int64?
  /// Records behind the high watermark for the store furthest behind.
  public var lag: Int64?

  enum CodingKeys: String, CodingKey {
    case topic, partition, lag
    case highWatermark = "high_watermark"
    case onlineOffset = "online_offset"
    case offlineOffset = "offline_offset"
  }
}

public enum StatusReport {
  /// Builds the table from the stores and, when the broker answers, the high watermarks.
  public static func build(
    inspector: StoreInspector, highWatermarks: [TopicPartition: Int64]
  ) throws -> [PartitionStatus] {
    let online = try inspector.onlinePositions()
    let offline = (try? inspector.offlinePositions()) ?? [:]
    let partitions = Set(online.keys).union(offline.keys).union(highWatermarks.keys).sorted()
    return partitions.map { partition in
      let high = highWatermarks[partition]
      let behind = min(online[partition] ?? -1, offline[partition] ?? -1)
      return PartitionStatus(
        topic: partition.topic, partition: partition.partition, highWatermark: high,
        onlineOffset: online[partition], offlineOffset: offline[partition],
        lag: high.map { max(0, $0 - 1 - behind) })
    }
  }
}
