import Kafka

/// Per offline table and partition, the last offset the table has taken (its `txn`
/// version). A record at or below it is never written to that table again.
package struct OfflinePositions: Sendable {
  private var tables: [String: [TopicPartition: Int64]] = [:]

  package init() {}

  func position(table: String, _ partition: TopicPartition) -> Int64? {
    tables[table]?[partition]
  }

  mutating func record(table: String, _ partition: TopicPartition, offset: Int64) {
    tables[table, default: [:]][partition] = max(offset, tables[table]?[partition] ?? -1)
  }
}
