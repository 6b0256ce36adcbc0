import Foundation

extension KafkaConsumer {
  /// The partition ids of a topic (for replays that assign every partition by hand).
  public func partitions(of topic: String, timeout: Duration = .seconds(10)) throws -> [Int32] {
    try metadataClient.partitions(of: topic, timeout: timeout)
  }

  /// Waits at most `timeout` for a broker of the cluster to answer a metadata request, and
  /// throws when none did: a client otherwise retries an unreachable cluster forever.
  public func checkReachable(timeout: Duration) throws {
    try metadataClient.checkReachable(timeout: timeout)
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
