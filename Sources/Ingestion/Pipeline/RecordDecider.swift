import Foundation
import Kafka
import OnlineStore

/// Decodes each record and decides what becomes of it — accepted, duplicate, conflict or
/// dead-lettered — adding it to the batch in hand (DESIGN.md, step 3).
///
/// The same decider serves `run` and `replay`, so that a replay applies the very rules of
/// the service rather than a second copy of them. It holds the state a decision depends
/// on — the dedup index and, per table, each partition's log clock — as of each table's
/// online position, and decides a record for a table only after that table's position: a
/// record at or before it was decided already (by this process or a run before it), and
/// deciding it again against a later state could come out differently.
package struct RecordDecider {
  let config: IdemstreamConfig
  let decoder: FeatureWriteDecoder
  package var dedup: DedupIndex
  /// Per offline table and partition, the last offset the table took when this process
  /// started: an accepted write at or below it goes online only. It never changes: what
  /// this process commits later lies past the positions it decides from.
  let offlinePositions: OfflinePositions
  /// Per table and partition, the last offset decided and the log clock there: what the
  /// online store holds, then what this process handed to the committer (`submit`).
  package private(set) var onlinePositions: OnlinePositions {
    didSet { forgetHolds() }
  }
  /// Per group (by index), its tables' name: `FeatureGroup.tableName` builds the string
  /// anew on every call.
  let tableNames: [String]
  /// Per group, its part of every dedup key (`DedupKeyEncoder.groupPrefix`).
  private let groupPrefixes: [[UInt8]]
  /// Per group, its table's tag on the dedup entries it accepts (`DedupEntry.tableTag`).
  private let tableTags: [UInt16]
  /// The positions per partition, as each record is checked against them.
  private var holds = PartitionTable<PartitionHolds>()
  /// Per partition in `holds` (from its `firstTable`), per group: the last offset the
  /// group's offline table took, and the group's online position (-1: none).
  private var tablePositions: [Int64?] = []
  private var onlineTablePositions: [Int64] = []
  /// Per partition (from its slot in `clockSlots`), per group: the log clock of the
  /// group's table after the last record it decided. Each table keeps its own, because a
  /// table filling from the earliest offset meets records the others decided long ago.
  /// Never reset: `holds` points into it.
  private var clockSlots = PartitionTable<Int>()
  private var clocks: [Int64] = []
  /// Every record is decoded into this one row, whose buffers are reused.
  private var row = DecodedRow()
  private var keyEncoder = DedupKeyEncoder()
  /// Records until the next one whose decode and decide steps are timed.
  private var untilTimed = 0
  /// One record in this many is timed, and its times count for all of them: three clock
  /// reads per record took ~6% of the loop thread, the stage split needs far fewer.
  static let timingStride: Int64 = 8

  package init(
    config: IdemstreamConfig, dedup: DedupIndex, offlinePositions: OfflinePositions,
    onlinePositions: OnlinePositions
  ) {
    self.config = config
    self.decoder = FeatureWriteDecoder(config)
    self.dedup = dedup
    self.offlinePositions = offlinePositions
    self.onlinePositions = onlinePositions
    tableNames = config.featureGroups.map(\.tableName)
    tableTags = tableNames.map(DedupEntry.tableTag(of:))
    groupPrefixes = config.featureGroups.map {
      DedupKeyEncoder.groupPrefix(name: $0.name, version: $0.version)
    }
  }

  /// Per partition, the least online position over the config's tables: every table holds
  /// the records up to it, and consumption resumes after it.
  var resumePositions: [TopicPartition: Int64] {
    onlinePositions.leastPositions(over: tableNames)
  }

  /// What `DedupIndex.prune` may forget by: each table's submitted clock per partition.
  var clockFloors: DedupClockFloors { onlinePositions.clockFloors() }

  /// Books `batch` as handed to the committer: each table takes the batch's end in every
  /// partition past its own position, with its log clock there. Returns those positions,
  /// for the online commit. The batch is cut right after its last record, so the clocks
  /// are the clocks at its end.
  package mutating func submit(_ batch: PendingBatch) -> [PartitionPosition] {
    var written: [PartitionPosition] = []
    for (partition, end) in batch.positions {
      guard let slot = clockSlots.slot(topic: partition.topic, partition: partition.partition)
      else { continue }
      let base = clockSlots[slot]
      for (group, table) in tableNames.enumerated()
      where end > onlinePositions.held(table: table, partition)?.offset ?? -1 {
        let clock = clocks[base + group]
        onlinePositions.advance(table: table, partition, offset: end, clockMillis: clock)
        written.append(
          PartitionPosition(
            table: table, topic: partition.topic, partition: partition.partition, offset: end,
            logClockMillis: clock))
      }
    }
    return written
  }

  package mutating func take(_ record: KafkaRecord, into batch: inout PendingBatch) {
    KafkaMessage.reading(record) { take($0, into: &batch) }
  }

  /// Decides one record read in place (its bytes are not kept: the batch copies what it
  /// takes).
  package mutating func take(_ record: KafkaMessage, into batch: inout PendingBatch) {
    batch.counts.consumed += 1
    batch.inputBytes += record.value?.count ?? 0
    let held = holds(topic: record.topic, partition: record.partition)
    batch.decided(topic: record.topic, partition: record.partition, offset: record.offset)
    if record.offset <= held.everyTable {
      countHeld(record, into: &batch)
      return
    }
    // Every table that decides this record moves its clock, whichever group it is of.
    for group in tableNames.indices
    where record.offset > onlineTablePositions[held.firstTable + group] {
      clocks[held.firstClock + group] = LogClock.advanced(
        clocks[held.firstClock + group], by: record.timestampMilliseconds,
        maxStepMillis: config.dedup.maxClockStepMillis)
    }
    if let timestamp = record.timestampMilliseconds {
      batch.newestRecordTimestamp = max(batch.newestRecordTimestamp ?? timestamp, timestamp)
    }
    let timed = untilTimed == 0
    untilTimed = timed ? Int(Self.timingStride) - 1 : untilTimed - 1
    let decodeStart = timed ? MonotonicNanoseconds.now : 0
    let failure = decode(record)
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
    if record.offset <= onlineTablePositions[held.firstTable + group] {
      // Decided before for this group's table, which other tables are still filling past.
      batch.groupCounts[group].held += 1
      return
    }
    let clock = clocks[held.firstClock + group]
    let key = keyEncoder.key(
      of: row, groupPrefix: groupPrefixes[group], topic: record.topic,
      partition: record.partition)
    let decision = dedup.decide(
      key: key, fingerprint: row.contentFingerprint, clockMillis: clock,
      partition: record.partition, offset: record.offset, tableTag: tableTags[group])
    switch decision {
    case .duplicate:
      batch.groupCounts[group].duplicate += 1
    case .conflict(let first):
      batch.groupCounts[group].conflict += 1
      deadLetter(
        record, reason: DeadLetterCode.conflict,
        error:
          "idempotency key '\(row.idempotencyKeyString)' of group "
          + "'\(config.featureGroups[group].name)' was accepted at \(first) with other content",
        held: held, into: &batch)
    case .accepted:
      batch.groupCounts[group].new += 1
      let rowIndex = Int32(batch.rows[group].count)
      batch.onlineRows[group].append(rowIndex)
      if let taken = tablePositions[held.firstTable + group], record.offset <= taken {
        // The offline table took it before a crash the online store did not see: decided
        // again as it was then, it goes online only.
        batch.offlineHeldRows[group].append(rowIndex)
      }
      batch.rows[group].append(
        row, topic: record.topic, partition: record.partition, offset: record.offset)
    }
  }

  /// Decodes the record into `row` and validates it; the reason it cannot be taken, if any.
  private mutating func decode(_ record: KafkaMessage) -> DecodeError? {
    guard let value = record.value else {
      return DecodeError(.nullValue, at: "", "the record value is null")
    }
    let headers = record.headers.map { RecordHeader(key: $0.name, value: $0.value) }
    do {
      try decoder.decode(value: value, headers: headers, topic: record.topic, into: &row)
      return validate(timestampMillis: record.timestampMilliseconds)
    } catch {
      return error
    }
  }

  /// A record decided before: counted under its group when it decodes, written nowhere.
  private mutating func countHeld(_ record: KafkaMessage, into batch: inout PendingBatch) {
    guard decode(record) == nil else { return }
    batch.groupCounts[row.groupIndex].held += 1
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
    let firstClock: Int
    if let slot = clockSlots.slot(topic: topic, partition: partition) {
      firstClock = clockSlots[slot]
    } else {
      firstClock = clocks.count
      clocks += tableNames.map {
        onlinePositions.held(table: $0, key)?.clockMillis ?? LogClock.unset
      }
      _ = clockSlots.insert(topic: topic, partition: partition, firstClock)
    }
    let online = tableNames.map { onlinePositions.held(table: $0, key)?.offset ?? -1 }
    let found = PartitionHolds(
      everyTable: online.min() ?? -1,
      deadLetters: offlinePositions.position(table: OfflineTableLayout.deadLetterTableName, key),
      firstTable: tablePositions.count, firstClock: firstClock)
    tablePositions += tableNames.map { offlinePositions.position(table: $0, key) }
    onlineTablePositions += online
    _ = holds.insert(topic: topic, partition: partition, found)
    return found
  }

  private mutating func forgetHolds() {
    holds = PartitionTable()
    tablePositions = []
    onlineTablePositions = []
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
