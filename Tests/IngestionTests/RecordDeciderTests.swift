import Kafka
import OnlineStore
import XCTest

@testable import Ingestion

/// `RecordDecider.take`: what each record becomes, checked against what the stores held
/// per partition, with topics that share partition numbers.
final class RecordDeciderTests: XCTestCase {
  typealias F = DecoderFixtures

  static func userStats(_ id: Int) -> [UInt8] {
    Array(
      (#"{"feature_group":"user_stats","idempotency_key":"u-\#(id)","event_time":\#(id),"#
        + #""key":{"user_id":"u\#(id)"},"values":{"clicks":\#(id)}}"#).utf8)
  }

  static func order(_ id: Int) -> [UInt8] {
    Array(
      (#"{"idempotency_key":"o-\#(id)","event_time":\#(id),"#
        + #""key":{"shop":"s","order_id":\#(id)},"values":{"amount":1.5}}"#).utf8)
  }

  /// The same online position (and clock) in every table of the config.
  static func online(_ offsets: [TopicPartition: Int64], clock: Int64 = .min) -> OnlinePositions {
    OnlinePositions(
      F.config.featureGroups.flatMap { group in
        offsets.map {
          PartitionPosition(
            table: group.tableName, topic: $0.key.topic, partition: $0.key.partition,
            offset: $0.value, logClockMillis: clock)
        }
      })
  }

  func record(_ topic: String, _ partition: Int32, _ offset: Int64, _ value: [UInt8]?)
    -> KafkaRecord
  {
    KafkaRecord(topic: topic, partition: partition, offset: offset, key: nil, value: value)
  }

  /// A record at or before the online position was decided before: held, written nowhere.
  /// After it, a record the offline table took before a crash goes online only.
  func testRecordsAreCheckedAgainstTheirOwnPartitionsHolds() {
    var offline = OfflinePositions()
    offline.record(table: "user_stats_v1", TopicPartition("features", 0), offset: 7)
    offline.record(
      table: OfflineTableLayout.deadLetterTableName, TopicPartition("features", 1), offset: 3)
    var decider = RecordDecider(
      config: F.config, dedup: DedupIndex(windowMillis: F.config.dedup.windowMillis),
      offlinePositions: offline,
      onlinePositions: Self.online([
        TopicPartition("features", 0): 5, TopicPartition("orders-topic", 0): 2,
      ]))
    var batch = PendingBatch(groups: F.config.featureGroups)
    for offset in 4...9 {
      decider.take(record("features", 0, Int64(offset), Self.userStats(offset)), into: &batch)
    }
    // Partition 0 of another topic: not the holds of features[0].
    for offset in 0...3 {
      decider.take(record("orders-topic", 0, Int64(offset), Self.order(offset)), into: &batch)
    }
    for offset in 0...4 {
      decider.take(record("features", 1, Int64(offset), Array("{".utf8)), into: &batch)
    }

    XCTAssertEqual(batch.groupCounts[0].held, 2)
    XCTAssertEqual(batch.groupCounts[0].new, 4)
    XCTAssertEqual(
      (0..<batch.rows[0].count).map { batch.rows[0].order(at: $0).offset }, [6, 7, 8, 9])
    XCTAssertEqual(batch.onlineRows[0], [0, 1, 2, 3])
    XCTAssertEqual(batch.offlineHeldRows[0], [0, 1])
    XCTAssertEqual(batch.groupCounts[1].held, 3)
    XCTAssertEqual(batch.groupCounts[1].new, 1)
    XCTAssertEqual(batch.onlineRows[1], [0])
    XCTAssertEqual(batch.offlineHeldRows[1], [])
    XCTAssertEqual(batch.counts.deadLetters, ["invalid JSON": 5])
    XCTAssertEqual(batch.deadLetters.count, 1)
    XCTAssertEqual(
      batch.positions,
      [
        TopicPartition("features", 0): 9, TopicPartition("orders-topic", 0): 3,
        TopicPartition("features", 1): 4,
      ])
    XCTAssertEqual(batch.counts.consumed, 15)
  }

  func testNewOnlinePositionsAreSeenByTheNextRecord() {
    var decider = RecordDecider(
      config: F.config, dedup: DedupIndex(windowMillis: F.config.dedup.windowMillis),
      offlinePositions: OfflinePositions(), onlinePositions: OnlinePositions())
    var batch = PendingBatch(groups: F.config.featureGroups)
    decider.take(record("features", 0, 0, Self.userStats(0)), into: &batch)
    XCTAssertEqual(batch.onlineRows[0], [0])
    decider.take(record("features", 0, 1, Self.userStats(1)), into: &batch)
    // Handed to the committer: every table now stands at offset 1.
    let submitted = decider.submit(batch)
    XCTAssertEqual(submitted.map(\.offset), [1, 1])
    XCTAssertEqual(Set(submitted.map(\.table)), Set(F.config.featureGroups.map(\.tableName)))
    batch = PendingBatch(groups: F.config.featureGroups)
    decider.take(record("features", 0, 1, Self.userStats(1)), into: &batch)
    decider.take(record("features", 0, 2, Self.userStats(2)), into: &batch)
    XCTAssertEqual(
      (0..<batch.rows[0].count).map { batch.rows[0].order(at: $0).offset }, [2])
    XCTAssertEqual(batch.groupCounts[0].held, 1)
  }

  /// The window is measured on each partition's log clock, which starts from the stored
  /// clock, takes the greatest timestamp and moves at most `max_clock_step` per record.
  func testTheWindowRunsOnThePartitionsLogClock() {
    var config = F.config
    config.dedup = DedupSettings(windowMillis: 10_000, maxClockStepMillis: 4_000)
    config.validation = ValidationSettings(maxEventTimeAheadMillis: 0)
    let partition = TopicPartition("features", 0)
    var decider = RecordDecider(
      config: config, dedup: DedupIndex(windowMillis: 10_000),
      offlinePositions: OfflinePositions(),
      onlinePositions: Self.online([partition: 9], clock: 100_000))
    var batch = PendingBatch(groups: config.featureGroups)
    func take(_ offset: Int64, timestamp: Int64, id: Int = 1) {
      let record = KafkaRecord(
        topic: "features", partition: 0, offset: offset, key: nil, value: Self.userStats(id),
        timestampMilliseconds: timestamp)
      decider.take(record, into: &batch)
    }
    take(10, timestamp: 100_000)  // accepted at clock 100 s
    take(11, timestamp: 50_000)  // clock stays at 100 s: duplicate
    take(12, timestamp: 999_999_999)  // clock 104 s (one step), duplicate
    take(13, timestamp: 999_999_999)  // 108 s, duplicate
    take(14, timestamp: 999_999_999)  // 112 s: more than a window after 100 s, accepted
    XCTAssertEqual(batch.groupCounts[0].new, 2)
    XCTAssertEqual(batch.groupCounts[0].duplicate, 3)
    XCTAssertEqual(Set(decider.submit(batch).map(\.logClockMillis)), [112_000])
    XCTAssertEqual(decider.dedup.commitPending().map(\.clockMillis), [112_000])
  }

  func testPartitionTableKeepsTopicsAndLargeNumbersApart() {
    var table = PartitionTable<Int>()
    XCTAssertNil(table.slot(topic: "a", partition: 0))
    let a0 = table.insert(topic: "a", partition: 0, 10)
    let b0 = table.insert(topic: "b", partition: 0, 20)
    let far = Int32(PartitionTable<Int>.directLimit + 5)
    let aFar = table.insert(topic: "a", partition: far, 30)
    let bNegative = table.insert(topic: "b", partition: -1, 40)
    XCTAssertEqual(table.slot(topic: "a", partition: 0), a0)
    XCTAssertEqual(table.slot(topic: "b", partition: 0), b0)
    XCTAssertEqual(table.slot(topic: "a", partition: far), aFar)
    XCTAssertEqual(table.slot(topic: "b", partition: -1), bNegative)
    XCTAssertNil(table.slot(topic: "c", partition: 0))
    XCTAssertNil(table.slot(topic: "a", partition: 1))
    table[b0] += 1
    XCTAssertEqual(
      table.dictionary,
      [
        TopicPartition("a", 0): 10, TopicPartition("b", 0): 21, TopicPartition("a", far): 30,
        TopicPartition("b", -1): 40,
      ])
  }

  /// `validation.max_event_time_ahead`, judged against each record's own Kafka timestamp:
  /// a write more than the limit ahead is a dead letter naming both times; one at the limit,
  /// a record without a timestamp, and any write with the check off (0) are decided as usual.
  func testEventTimeTooFarAheadOfTheRecordIsADeadLetter() throws {
    let day: Int64 = 86_400_000
    let stamp: Int64 = 1_700_000_000_000
    func write(_ id: Int, eventTime: Int64) -> [UInt8] {
      Array(
        (#"{"feature_group":"user_stats","idempotency_key":"u-\#(id)","event_time":\#(eventTime),"#
          + #""key":{"user_id":"u\#(id)"},"values":{"clicks":1}}"#).utf8)
    }
    func decide(_ config: IdemstreamConfig) -> PendingBatch {
      var decider = RecordDecider(
        config: config, dedup: DedupIndex(windowMillis: config.dedup.windowMillis),
        offlinePositions: OfflinePositions(), onlinePositions: OnlinePositions())
      var batch = PendingBatch(groups: config.featureGroups)
      let records = [
        (write(0, eventTime: stamp + day), stamp),  // exactly at the limit
        (write(1, eventTime: stamp + day + 1), stamp),  // 1 ms beyond it
        (write(2, eventTime: 253_402_300_799_000), stamp),  // 9999-12-31T23:59:59Z
        (write(3, eventTime: stamp - 30 * day), stamp),  // the past is never too far
      ]
      for (offset, (value, timestamp)) in records.enumerated() {
        decider.take(
          KafkaRecord(
            topic: "features", partition: 0, offset: Int64(offset), key: nil, value: value,
            timestampMilliseconds: timestamp), into: &batch)
      }
      decider.take(
        KafkaRecord(
          topic: "features", partition: 0, offset: 4, key: nil,
          value: write(4, eventTime: stamp + 90 * day)), into: &batch)
      return batch
    }

    var config = F.config
    XCTAssertEqual(config.validation.maxEventTimeAheadMillis, day, "the default is 1d")
    let checked = decide(config)
    XCTAssertEqual(checked.groupCounts[0].new, 3)
    XCTAssertEqual(
      (0..<checked.rows[0].count).map { checked.rows[0].order(at: $0).offset }, [0, 3, 4])
    XCTAssertEqual(checked.counts.deadLetters, ["event_time ahead of the record": 2])
    let errors = (0..<checked.deadLetters.count).map { checked.deadLetters.error(at: $0) }
    XCTAssertEqual(
      errors.first,
      "[event_time ahead of the record] event_time: 2023-11-15T22:13:20.001000Z is more than 1d "
        + "after the record's Kafka timestamp 2023-11-14T22:13:20.000000Z "
        + "(validation.max_event_time_ahead)")
    XCTAssertTrue(errors.last?.contains("9999-12-31T23:59:59.000000Z") ?? false, "\(errors)")

    config.validation.maxEventTimeAheadMillis = 0
    let unchecked = decide(config)
    XCTAssertEqual(unchecked.groupCounts[0].new, 5)
    XCTAssertEqual(unchecked.counts.deadLetters, [:])
  }
}
