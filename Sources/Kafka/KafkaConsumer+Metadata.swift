import Foundation

extension KafkaConsumer {
  /// The partition ids of a topic (for replays that assign every partition by hand).
  public func partitions(of topic: String, timeout: Duration = .seconds(10)) throws -> [Int32] {
    try metadataClient.partitions(of: topic, timeout: timeout)
  }

  /// The first offset of `partition` whose record timestamp is at or after `date`; nil when
  /// every record is older.
  public func offset(for partition: TopicPartition, at date: Date, timeout: Duration = .seconds(10))
    throws -> Int64?
  {
    let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    let offset = try metadataClient.offsets(
      forTimestamp: millis, of: [partition], timeout: timeout)[
        partition]
    guard let offset, offset >= 0 else { return nil }
    return offset
  }
}
