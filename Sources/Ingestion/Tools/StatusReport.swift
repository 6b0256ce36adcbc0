import Foundation
import Kafka

/// Per partition: the high watermark and where each store stands (`idemstream status`).
///
/// Two conventions meet here. Kafka counts in *next* offsets: the high watermark is the
/// offset the next record written will get, and a consumer's committed offset the next one
/// it will read. The stores record the *last* offset they took (`onlineOffset`,
/// `offlineOffset`, what each table's `txn` version says). The `*NextOffset` fields put the
/// stores in Kafka's terms, so that lag is `highWatermark - next`, as `kafka-consumer-groups`
/// computes it.
public struct PartitionStatus: Sendable, Encodable, Hashable {
  public var topic: String
  public var partition: Int32
  /// nil when the broker did not answer.
  public var highWatermark: Int64?
  /// The last offset each store has taken; nil when it has taken nothing.
  public var onlineOffset: Int64?
  public var offlineOffset: Int64?
  /// Records behind the high watermark for the store furthest behind; nil when the high
  /// watermark is unknown.
  public var lag: Int64?

  /// The next offset each store will read: the last it took + 1.
  public var onlineNextOffset: Int64? { onlineOffset.map { $0 + 1 } }
  public var offlineNextOffset: Int64? { offlineOffset.map { $0 + 1 } }

  enum CodingKeys: String, CodingKey {
    case topic, partition, lag
    case highWatermark = "high_watermark"
    case onlineOffset = "online_offset"
    case offlineOffset = "offline_offset"
    case onlineNextOffset = "online_next_offset"
    case offlineNextOffset = "offline_next_offset"
  }

  /// Every key always, null when unknown: a reader of `--json` need not tell a missing key
  /// from an unknown value.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(topic, forKey: .topic)
    try container.encode(partition, forKey: .partition)
    try container.encode(highWatermark, forKey: .highWatermark)
    try container.encode(onlineOffset, forKey: .onlineOffset)
    try container.encode(offlineOffset, forKey: .offlineOffset)
    try container.encode(onlineNextOffset, forKey: .onlineNextOffset)
    try container.encode(offlineNextOffset, forKey: .offlineNextOffset)
    try container.encode(lag, forKey: .lag)
  }
}

public enum StatusReport {
  /// Builds the table from the stores and, when the broker answered, the high watermarks.
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

  static let legend = """
    offsets are Kafka's next offsets: high_watermark is the offset the next record written \
    gets, *_next the next one each store reads (the last it took + 1; - when it took none), \
    and lag is high_watermark minus the smaller *_next
    """

  /// The text table `status` prints: one tab-separated row per partition, in Kafka's
  /// next-offset terms, then one line saying so.
  public static func text(_ rows: [PartitionStatus]) -> String {
    var lines = ["topic\tpartition\thigh_watermark\tonline_next\toffline_next\tlag"]
    for row in rows {
      let cells: [String] = [
        cell(row.highWatermark, absent: "unknown"), cell(row.onlineNextOffset, absent: "-"),
        cell(row.offlineNextOffset, absent: "-"), cell(row.lag, absent: "unknown"),
      ]
      lines.append("\(row.topic)\t\(row.partition)\t" + cells.joined(separator: "\t"))
    }
    lines.append(legend)
    return lines.joined(separator: "\n")
  }

  private static func cell(_ value: Int64?, absent: String) -> String {
    value.map { String($0) } ?? absent
  }
}
