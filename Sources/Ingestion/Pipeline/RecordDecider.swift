import Foundation
import Kafka
import OnlineStore

/// Decodes each record and decides what becomes of it — accepted, duplicate, conflict,
/// already held or dead-lettered — adding it to the batch in hand (DESIGN.md, step 3).
///
/// The same decider serves `run` and `replay`, so that a replay applies the very rules of
/// the service rather than a second copy of them.
package struct RecordDecider {
  let config: IdemstreamConfig
  let decoder: FeatureWriteDecoder
  package var dedup: DedupIndex
  /// What the stores held when this process started deciding: records at or below these
  /// positions are never written to that store again.
  var offlinePositions: OfflinePositions {
    didSet { holds = PartitionTable() }
  }
  package var onlinePositions: [TopicPartition: Int64] {
    didSet { holds = PartitionTable() }
  }
  /// Per group (by index), its offline table's name: `FeatureGroup.tableName` builds the
  /// string anew on every call.
  private let tableNames: [String]
  /// The two above per partition, as each record is checked against them.
  private var holds = PartitionTable<PartitionHolds>()

  package init(
    config: IdemstreamConfig, dedup: DedupIndex, offlinePositions: OfflinePositions,
    onlinePositions: [TopicPartition: Int64]
  ) {
    self.config = config
    self.decoder = FeatureWriteDecoder(config)
    self.dedup = dedup
    self.offlinePositions = offlinePositions
    self.onlinePositions = onlinePositions
    tableNames = config.featureGroups.map(\.tableName)
  }

  package mutating func take(_ record: KafkaRecord, into batch: inout PendingBatch) {
    batch.counts.consumed += 1
    batch.inputBytes += record.value?.count ?? 0
    batch.decided(topic: record.topic, partition: record.partition, offset: record.offset)
    let held = holds(topic: record.topic, partition: record.partition)
    if let timestamp = record.timestampMilliseconds {
      batch.newestRecordTimestamp = max(batch.newestRecordTimestamp ?? timestamp, timestamp)
    }
    let decodeStart = MonotonicNanoseconds.now
    let headers =
      record.headers.isEmpty
      ? [] : record.headers.map { RecordHeader(key: $0.name, value: $0.value) }
    let decoded = Result { () throws(DecodeError) -> FeatureWrite in
      try decoder.decode(value: record.value, headers: headers, topic: record.topic)
    }
    let decideStart = MonotonicNanoseconds.now
    batch.decodeNanoseconds += decideStart - decodeStart
    defer { batch.decideNanoseconds += MonotonicNanoseconds.now - decideStart }
    let write: FeatureWrite
    switch decoded {
    case .failure(let error):
      deadLetter(
        record, reason: error.reason.rawValue, error: error.description, held: held,
        into: &batch)
      return
    case .success(let value):
      write = value
    }
    let groupName = write.groupName
    switch dedup.decide(write, partition: record.partition, offset: record.offset) {
    case .alreadyHeld:
      batch.groupCounts[write.groupIndex].held += 1
    case .duplicate:
      batch.groupCounts[write.groupIndex].duplicate += 1
    case .conflict(let first):
      batch.groupCounts[write.groupIndex].conflict += 1
      deadLetter(
        record, reason: "conflict",
        error:
          "idempotency key '\(write.idempotencyKey)' of group '\(groupName)' was "
          + "accepted at \(first) with other content",
        held: held, into: &batch)
    case .accepted:
      if held.tableHolds(write.groupIndex, offset: record.offset) {
        // A re-read record the table already took (its dedup entry has since expired).
        batch.groupCounts[write.groupIndex].held += 1
        return
      }
      batch.groupCounts[write.groupIndex].new += 1
      if record.offset > held.online {
        batch.onlineRows[write.groupIndex].append(Int32(batch.rows[write.groupIndex].count))
      }
      batch.rows[write.groupIndex].append(
        write, topic: record.topic, partition: record.partition, offset: record.offset)
    }
  }

  /// What the stores held of the record's partition, from the dictionaries the first time.
  private mutating func holds(topic: String, partition: Int32) -> PartitionHolds {
    if let slot = holds.slot(topic: topic, partition: partition) { return holds[slot] }
    let key = TopicPartition(topic, partition)
    let found = PartitionHolds(
      online: onlinePositions[key, default: -1],
      tables: tableNames.map { offlinePositions.position(table: $0, key) },
      deadLetters: offlinePositions.position(table: OfflineTableLayout.deadLetterTableName, key))
    _ = holds.insert(topic: topic, partition: partition, found)
    return found
  }

  private func deadLetter(
    _ record: KafkaRecord, reason: String, error: String, held: PartitionHolds,
    into batch: inout PendingBatch
  ) {
    batch.counts.deadLetters[reason, default: 0] += 1
    if held.deadLettersHold(offset: record.offset) { return }
    batch.deadLetters.append(
      topic: record.topic, partition: record.partition, offset: record.offset, key: record.key,
      value: record.value, reason: reason, error: "[\(reason)] \(error)",
      ingestedAtMicros: Int64(Date().timeIntervalSince1970 * 1_000_000))
  }
}
