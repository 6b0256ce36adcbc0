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
    didSet { forgetHolds() }
  }
  package var onlinePositions: [TopicPartition: Int64] {
    didSet { forgetHolds() }
  }
  /// Per group (by index), its offline table's name: `FeatureGroup.tableName` builds the
  /// string anew on every call.
  private let tableNames: [String]
  /// `offlinePositions` and `onlinePositions` per partition, as each record is checked
  /// against them.
  private var holds = PartitionTable<PartitionHolds>()
  /// Per partition in `holds`, per group, the last offset the group's offline table took.
  private var tablePositions: [Int64?] = []
  /// Every record is decoded into this one row, whose buffers are reused.
  private var row = DecodedRow()
  /// Records until the next one whose decode and decide steps are timed.
  private var untilTimed = 0
  /// One record in this many is timed, and its times count for all of them: three clock
  /// reads per record took ~6% of the loop thread, the stage split needs far fewer.
  static let timingStride: Int64 = 8

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
    KafkaMessage.reading(record) { take($0, into: &batch) }
  }

  /// Decides one record read in place (its bytes are not kept: the batch copies what it
  /// takes).
  package mutating func take(_ record: KafkaMessage, into batch: inout PendingBatch) {
    batch.counts.consumed += 1
    batch.inputBytes += record.value?.count ?? 0
    batch.decided(topic: record.topic, partition: record.partition, offset: record.offset)
    let held = holds(topic: record.topic, partition: record.partition)
    if let timestamp = record.timestampMilliseconds {
      batch.newestRecordTimestamp = max(batch.newestRecordTimestamp ?? timestamp, timestamp)
    }
    let timed = untilTimed == 0
    untilTimed = timed ? Int(Self.timingStride) - 1 : untilTimed - 1
    let decodeStart = timed ? MonotonicNanoseconds.now : 0
    let headers = record.headers.map { RecordHeader(key: $0.name, value: $0.value) }
    let failure: DecodeError?
    if let value = record.value {
      do {
        try decoder.decode(value: value, headers: headers, topic: record.topic, into: &row)
        failure = validate(timestampMillis: record.timestampMilliseconds)
      } catch {
        failure = error
      }
    } else {
      failure = DecodeError(.nullValue, at: "", "the record value is null")
    }
    let decideStart = timed ? MonotonicNanoseconds.now : 0
    defer {
      if timed {
        batch.decodeNanoseconds += (decideStart - decodeStart) * Self.timingStride
        batch.decideNanoseconds += (MonotonicNanoseconds.now - decideStart) * Self.timingStride
      }
    }
    if let failure {
      deadLetter(
        record, reason: failure.reason.rawValue, error: failure.description, held: held,
        into: &batch)
      return
    }
    let group = row.groupIndex
    let key = decoder.schemas[group].nameBytes.withUnsafeBytes { name in
      row.withIdempotencyKey { DedupKey(group: name, idempotencyKey: $0) }
    }
    let decision = dedup.decide(
      key: key, fingerprint: row.contentFingerprint, eventTimeMillis: row.eventTimeMillis,
      partition: record.partition, offset: record.offset)
    switch decision {
    case .alreadyHeld:
      batch.groupCounts[group].held += 1
    case .duplicate:
      batch.groupCounts[group].duplicate += 1
    case .conflict(let first):
      batch.groupCounts[group].conflict += 1
      deadLetter(
        record, reason: "conflict",
        error:
          "idempotency key '\(row.idempotencyKeyString)' of group "
          + "'\(config.featureGroups[group].name)' was accepted at \(first) with other content",
        held: held, into: &batch)
    case .accepted:
      if let taken = tablePositions[held.firstTable + group], record.offset <= taken {
        // A re-read record the table already took (its dedup entry has since expired).
        batch.groupCounts[group].held += 1
        return
      }
      batch.groupCounts[group].new += 1
      if record.offset > held.online {
        batch.onlineRows[group].append(Int32(batch.rows[group].count))
      }
      batch.rows[group].append(
        row, topic: record.topic, partition: record.partition, offset: record.offset)
    }
  }

  /// The checks a decoded write must pass beside its own fields: an `event_time` too far
  /// ahead of the record's Kafka timestamp (a broken producer clock, or a sentinel such as
  /// 9999-12-31) is a dead letter, judged against the record alone so a replay agrees.
  private func validate(timestampMillis: Int64?) -> DecodeError? {
    let validation = config.validation
    guard
      validation.isTooFarAhead(
        eventTimeMillis: row.eventTimeMillis, timestampMillis: timestampMillis),
      let timestampMillis
    else { return nil }
    return DecodeError(
      .eventTimeAhead, at: "event_time",
      "\(Self.timeText(row.eventTimeMillis)) is more than "
        + "\(DurationParser.text(millis: validation.maxEventTimeAheadMillis)) after the record's "
        + "Kafka timestamp \(Self.timeText(timestampMillis)) "
        + "(validation.max_event_time_ahead)")
  }

  private static func timeText(_ millis: Int64) -> String {
    let (micros, overflow) = millis.multipliedReportingOverflow(by: 1000)
    return overflow ? "\(millis) ms after the epoch" : RFC3339.format(micros: micros)
  }

  /// What the stores held of the record's partition, from the dictionaries the first time.
  private mutating func holds(topic: String, partition: Int32) -> PartitionHolds {
    if let slot = holds.slot(topic: topic, partition: partition) { return holds[slot] }
    let key = TopicPartition(topic, partition)
    let found = PartitionHolds(
      online: onlinePositions[key, default: -1],
      deadLetters: offlinePositions.position(table: OfflineTableLayout.deadLetterTableName, key),
      firstTable: tablePositions.count)
    tablePositions += tableNames.map { offlinePositions.position(table: $0, key) }
    _ = holds.insert(topic: topic, partition: partition, found)
    return found
  }

  private mutating func forgetHolds() {
    holds = PartitionTable()
    tablePositions = []
  }

  private func deadLetter(
    _ record: KafkaMessage, reason: String, error: String, held: PartitionHolds,
    into batch: inout PendingBatch
  ) {
    batch.counts.deadLetters[reason, default: 0] += 1
    if held.deadLettersHold(offset: record.offset) { return }
    batch.deadLetters.append(
      topic: record.topic, partition: record.partition, offset: record.offset,
      key: record.key.map { Array($0) }, value: record.value.map { Array($0) }, reason: reason,
      error: "[\(reason)] \(error)",
      ingestedAtMicros: Int64(Date().timeIntervalSince1970 * 1_000_000))
  }
}
