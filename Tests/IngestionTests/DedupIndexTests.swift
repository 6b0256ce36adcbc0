import OnlineStore
import TestSupport
import XCTest

@testable import Ingestion

final class DedupIndexTests: XCTestCase {
  let hour: Int64 = 3_600_000

  private func write(
    key: String, clicks: Int64 = 1, group: String = "user_stats", entity: String = "u"
  ) -> FeatureWrite {
    FeatureWrite(
      groupIndex: 0, groupName: group, key: [.string(entity)], eventTimeMicros: 0,
      operation: .upsert,
      values: [.bigint(clicks)], idempotencyKey: key, idempotencyKeyIsDerived: false,
      contentFingerprint: UInt64(clicks) &* 0x9E37_79B9)
  }

  private func key(
    _ idempotencyKey: String, group: String = "user_stats", version: Int = 1,
    entity: String = "u", partition: Int32 = 0
  ) -> DedupKey {
    DedupKey(
      write(key: idempotencyKey, group: group, entity: entity), version: version,
      topic: "features", partition: partition)
  }

  /// Floors where every table in `tables` stands at the clock given per partition.
  private func floors(
    _ clocks: [Int32: Int64], tables: [String] = ["user_stats_v1"]
  ) -> DedupClockFloors {
    var floors = DedupClockFloors()
    for table in tables {
      for (partition, clock) in clocks {
        floors.add(
          tableTag: DedupEntry.tableTag(of: table), partition: partition, clockMillis: clock)
      }
    }
    return floors
  }

  private func decide(
    _ index: inout DedupIndex, _ write: FeatureWrite, version: Int = 1, partition: Int32 = 0,
    offset: Int64, clock: Int64
  ) -> DedupDecision {
    index.decide(
      write, version: version, topic: "features", partition: partition, offset: offset,
      clockMillis: clock)
  }

  func testDecisionsAndWhatTheScopeIsMadeOf() {
    var index = DedupIndex(windowMillis: hour)
    XCTAssertEqual(decide(&index, write(key: "a"), offset: 10, clock: 0), .accepted)
    // Same scope and content later within the window: duplicate of the first.
    XCTAssertEqual(
      decide(&index, write(key: "a"), offset: 11, clock: hour),
      .duplicate(DedupPosition(partition: 0, offset: 10)))
    // Same scope, different content: conflict naming the accepted record.
    XCTAssertEqual(
      decide(&index, write(key: "a", clicks: 2), offset: 12, clock: hour),
      .conflict(DedupPosition(partition: 0, offset: 10)))
    // Group, version, entity and partition are each part of the identity.
    XCTAssertEqual(decide(&index, write(key: "a", group: "other"), offset: 13, clock: 0), .accepted)
    XCTAssertEqual(decide(&index, write(key: "a"), version: 2, offset: 14, clock: 0), .accepted)
    XCTAssertEqual(decide(&index, write(key: "a", entity: "v"), offset: 15, clock: 0), .accepted)
    XCTAssertEqual(decide(&index, write(key: "a"), partition: 1, offset: 0, clock: 0), .accepted)
    XCTAssertEqual(index.count, 5)
    XCTAssertNotEqual(key("a", entity: "ab"), key("a", entity: "a"))
    XCTAssertNotEqual(key("a"), key("a", partition: 1))
  }

  func testWindowRunsOnTheLogClock() {
    var index = DedupIndex(windowMillis: hour)
    XCTAssertEqual(decide(&index, write(key: "k"), offset: 1, clock: 10 * hour), .accepted)
    // Exactly a window later: still remembered.
    XCTAssertEqual(
      decide(&index, write(key: "k"), offset: 2, clock: 11 * hour),
      .duplicate(DedupPosition(partition: 0, offset: 1)))
    // Past it: a new write, which takes over the key.
    XCTAssertEqual(decide(&index, write(key: "k"), offset: 3, clock: 11 * hour + 1), .accepted)
    XCTAssertEqual(index.entry(for: key("k"))?.offset, 3)
    XCTAssertEqual(
      decide(&index, write(key: "k", clicks: 9), offset: 4, clock: 12 * hour),
      .conflict(DedupPosition(partition: 0, offset: 3)))
    // A clock not yet set is remembered only at an unset clock; extremes do not overflow.
    XCTAssertEqual(
      decide(&index, write(key: "n"), offset: 5, clock: LogClock.unset), .accepted)
    XCTAssertEqual(
      decide(&index, write(key: "n"), offset: 6, clock: LogClock.unset),
      .duplicate(DedupPosition(partition: 0, offset: 5)))
    XCTAssertEqual(decide(&index, write(key: "n"), offset: 7, clock: .max), .accepted)
  }

  func testLogClockTakesTheGreatestTimestampOneStepAtATime() {
    let step = hour
    var clock = LogClock.unset
    clock = LogClock.advanced(clock, by: nil, maxStepMillis: step)
    XCTAssertEqual(clock, LogClock.unset)
    clock = LogClock.advanced(clock, by: 1_000_000, maxStepMillis: step)
    XCTAssertEqual(clock, 1_000_000)
    // Back in time, or no timestamp: the clock stays.
    XCTAssertEqual(LogClock.advanced(clock, by: 5, maxStepMillis: step), 1_000_000)
    XCTAssertEqual(LogClock.advanced(clock, by: -1, maxStepMillis: step), 1_000_000)
    // Far ahead (a broken producer clock): one step at most.
    clock = LogClock.advanced(clock, by: .max, maxStepMillis: step)
    XCTAssertEqual(clock, 1_000_000 + step)
    XCTAssertEqual(LogClock.advanced(.max - 1, by: .max, maxStepMillis: step), .max)
  }

  func testPendingCommitAndDiscard() {
    var index = DedupIndex(windowMillis: hour)
    XCTAssertEqual(decide(&index, write(key: "a"), offset: 1, clock: 0), .accepted)
    XCTAssertEqual(index.pendingCount, 1)
    // A duplicate inside the same batch is caught while still pending.
    XCTAssertEqual(
      decide(&index, write(key: "a"), offset: 2, clock: 0),
      .duplicate(DedupPosition(partition: 0, offset: 1)))
    let committed = index.commitPending()
    XCTAssertEqual(committed.count, 1)
    XCTAssertEqual(committed[0].key, key("a"))
    XCTAssertEqual(committed[0].partition, 0)
    XCTAssertEqual(committed[0].offset, 1)
    XCTAssertEqual(committed[0].clockMillis, 0)
    XCTAssertEqual(committed[0].fingerprint, write(key: "a").contentFingerprint)
    XCTAssertEqual(index.pendingCount, 0)
    XCTAssertTrue(index.commitPending().isEmpty)

    // A failed batch: its new key disappears and a replaced entry comes back.
    XCTAssertEqual(decide(&index, write(key: "b"), offset: 3, clock: 5 * hour), .accepted)
    XCTAssertEqual(decide(&index, write(key: "a"), offset: 4, clock: 5 * hour), .accepted)
    index.discardPending()
    XCTAssertNil(index.entry(for: key("b")))
    XCTAssertEqual(index.entry(for: key("a"))?.offset, 1)
    XCTAssertEqual(index.count, 1)
    // Re-running the batch gives the same verdicts.
    XCTAssertEqual(decide(&index, write(key: "b"), offset: 3, clock: 5 * hour), .accepted)
    XCTAssertEqual(decide(&index, write(key: "a"), offset: 4, clock: 5 * hour), .accepted)
    XCTAssertEqual(index.commitPending().map(\.offset), [3, 4])
  }

  /// A prune drops only entries no record at or after the floor can remember, and keeps
  /// pending entries and those of partitions without a floor.
  func testPruneDropsOnlyWhatNoLaterRecordRemembers() {
    var index = DedupIndex(windowMillis: hour)
    _ = decide(&index, write(key: "old"), offset: 1, clock: 0)
    _ = decide(&index, write(key: "edge"), offset: 2, clock: 9 * hour)
    _ = decide(&index, write(key: "other-partition"), partition: 7, offset: 1, clock: 0)
    _ = index.commitPending()
    _ = decide(&index, write(key: "pending-old"), offset: 3, clock: 0)
    XCTAssertEqual(index.prune(floors: floors([0: 10 * hour])), 1)
    XCTAssertNil(index.entry(for: key("old")))
    XCTAssertNotNil(index.entry(for: key("edge")))
    XCTAssertNotNil(index.entry(for: key("other-partition", partition: 7)))
    XCTAssertNotNil(index.entry(for: key("pending-old")))
    // Nothing old enough: nothing dropped.
    XCTAssertEqual(index.prune(floors: floors([0: 10 * hour])), 0)
  }

  /// Each entry is forgotten by its own table's clock: a table that stands still (its
  /// group out of the config) keeps its entries while another table's clock runs on, and
  /// a table with no clock yet keeps everything of its own.
  func testEntriesAreForgottenByTheirOwnTablesClock() {
    var index = DedupIndex(windowMillis: hour)
    _ = decide(&index, write(key: "users"), offset: 1, clock: 0)
    _ = decide(&index, write(key: "merchants", group: "merchant_daily"), offset: 2, clock: 0)
    _ = index.commitPending()
    var floors = floors([0: 10 * hour], tables: ["merchant_daily_v1"])
    floors.add(
      tableTag: DedupEntry.tableTag(of: "user_stats_v1"), partition: 0,
      clockMillis: LogClock.unset)
    XCTAssertEqual(index.prune(floors: floors), 1)
    XCTAssertNotNil(index.entry(for: key("users")))
    XCTAssertNil(index.entry(for: key("merchants", group: "merchant_daily")))
    XCTAssertEqual(index.prune(floors: self.floors([0: 10 * hour])), 1)
    XCTAssertEqual(index.count, 0)
  }

  /// An entry of a log written before entries named their table is forgotten only once
  /// every table's clock in its partition is a window past it.
  func testAnEntryOfAnUnknownTableWaitsForEveryTable() {
    var index = DedupIndex(windowMillis: hour)
    index.load([
      DedupEntry(
        keyHigh: 1, keyLow: 2, fingerprint: 3, partition: 0, offset: 4, clockMillis: 0,
        tableTag: DedupEntryRecord.unknownTable)
    ])
    var floors = floors([0: 10 * hour], tables: ["merchant_daily_v1"])
    floors.add(
      tableTag: DedupEntry.tableTag(of: "user_stats_v1"), partition: 0, clockMillis: hour / 2)
    XCTAssertEqual(index.prune(floors: floors), 0)
    floors.add(
      tableTag: DedupEntry.tableTag(of: "user_stats_v1"), partition: 1, clockMillis: 10 * hour)
    XCTAssertEqual(index.prune(floors: floors), 0, "another partition's clock counts for none")
    XCTAssertEqual(
      index.prune(floors: self.floors([0: 10 * hour], tables: ["a_v1", "b_v1"])), 1)
  }

  /// The table tag sits in the entry's padding: a million entries stay 48 MB (DESIGN.md).
  func testAnEntryTakesFortyEightBytes() {
    XCTAssertEqual(MemoryLayout<DedupTable.Slot>.stride, 48)
    XCTAssertNotEqual(DedupEntry.tableTag(of: "user_stats_v1"), DedupEntryRecord.unknownTable)
    XCTAssertNotEqual(
      DedupEntry.tableTag(of: "user_stats_v1"), DedupEntry.tableTag(of: "user_stats_v2"))
  }

  /// The promise pruning makes: the same decisions whether it ran after every record or
  /// never, over random keys, content and clock steps.
  func testPruningNeverChangesADecision() {
    var random = SplitMix64(seed: 5)
    var pruned = DedupIndex(windowMillis: hour)
    var kept = DedupIndex(windowMillis: hour)
    var clock: Int64 = 0
    for offset in 0..<5_000 {
      clock += Int64(random.next() % UInt64(hour / 20))
      let candidate = write(
        key: "k\(random.next() % 200)", clicks: Int64(random.next() % 2))
      let partition = Int32(random.next() % 2)
      let first = decide(
        &pruned, candidate, partition: partition, offset: Int64(offset), clock: clock)
      let second = decide(
        &kept, candidate, partition: partition, offset: Int64(offset), clock: clock)
      XCTAssertEqual(first, second, "offset \(offset)")
      _ = pruned.commitPending()
      _ = kept.commitPending()
      pruned.prune(floors: floors([0: clock, 1: clock]))
    }
    XCTAssertLessThan(pruned.count, kept.count)
  }

  /// A prune renumbers the table's entries while a batch is pending: the batch still
  /// commits exactly its own entries, in acceptance order.
  func testPendingEntriesCommitAfterAPrune() {
    var index = DedupIndex(windowMillis: hour)
    for offset in 0..<50 {
      _ = decide(&index, write(key: "old\(offset)"), offset: Int64(offset), clock: 0)
    }
    _ = decide(&index, write(key: "new"), offset: 50, clock: 10 * hour)
    _ = index.commitPending()
    for offset in 51..<60 {
      _ = decide(&index, write(key: "batch\(offset)"), offset: Int64(offset), clock: 10 * hour)
    }
    XCTAssertEqual(index.prune(floors: floors([0: 10 * hour])), 50)
    let committed = index.commitPending()
    XCTAssertEqual(committed.map(\.offset), Array(51..<60))
    XCTAssertEqual(committed.map(\.key), (51..<60).map { key("batch\($0)") })
    XCTAssertTrue(index.commitPending().isEmpty)
    XCTAssertEqual(index.count, 10)
  }

  func testLoadRestoresDecisions() {
    var first = DedupIndex(windowMillis: hour)
    for offset in 0..<1000 {
      _ = decide(
        &first, write(key: "k\(offset)"), partition: 2, offset: Int64(offset),
        clock: Int64(offset))
    }
    let persisted = first.commitPending()
    var restarted = DedupIndex(windowMillis: hour)
    restarted.load(persisted)
    XCTAssertEqual(restarted.count, 1000)
    XCTAssertEqual(restarted.pendingCount, 0)
    XCTAssertEqual(
      decide(&restarted, write(key: "k7"), partition: 2, offset: 1000, clock: 1000),
      .duplicate(DedupPosition(partition: 2, offset: 7)))
    XCTAssertEqual(Set(restarted.committedEntries()), Set(persisted))
  }

  /// The persisted key must not change between versions: pin its layout.
  func testDedupKeyIsStable() {
    var bytes: [UInt8] = [8, 0, 0, 0] + Array("features".utf8) + [3, 0, 0, 0]
    bytes += [10, 0, 0, 0] + Array("user_stats".utf8) + [1, 0, 0, 0]
    bytes += [3, 1, 0, 0, 0] + Array("u".utf8)
    bytes += [7, 0, 0, 0] + Array("evt-7-1".utf8)
    // XXH64 itself is checked against reference vectors in HashingTests.
    XCTAssertEqual(
      key("evt-7-1", partition: 3),
      DedupKey(
        high: XXHash64.hash(bytes, seed: 0), low: XXHash64.hash(bytes, seed: 0x9E37_79B9_7F4A_7C15))
    )
    XCTAssertNotEqual(key("c", group: "ab"), key("bc", group: "a"))
  }
}

final class DedupTableTests: XCTestCase {
  /// Random puts and removes on keys that share buckets heavily, checked against a
  /// Dictionary after every step: exercises probing, growth and backward-shift deletion.
  func testMatchesADictionaryUnderCollisions() {
    var random = SplitMix64(seed: 99)
    var table = DedupTable()
    var model: [DedupKey: Int64] = [:]
    let keys = (0..<300).map { _ in DedupKey(high: random.next(), low: random.next() % 40) }
    for step in 0..<20_000 {
      let key = keys[Int(random.next() % UInt64(keys.count))]
      if random.next() % 3 == 0 {
        table.remove(key)
        model[key] = nil
      } else {
        table.put(
          DedupTable.Slot(
            keyHigh: key.high, keyLow: key.low, fingerprint: 0, offset: Int64(step),
            clockMillis: 0,
            partition: 0, tableTag: 1, state: .committed))
        model[key] = Int64(step)
      }
      XCTAssertEqual(table.count, model.count)
      if step % 97 == 0 {
        for probe in keys {
          XCTAssertEqual(table.find(probe)?.offset, model[probe], "step \(step)")
        }
      }
    }
    table.filter { $0.offset % 2 == 0 }
    for probe in keys {
      let expected = model[probe].flatMap { $0 % 2 == 0 ? $0 : nil }
      XCTAssertEqual(table.find(probe)?.offset, expected)
    }
  }

  /// The single-probe paths the decider takes (locate, then insert or replace; commit in
  /// place), across growth and colliding keys, checked against a Dictionary.
  func testLocateInsertReplaceAndCommitMatchADictionary() {
    var random = SplitMix64(seed: 7)
    var table = DedupTable()
    var model: [DedupKey: (offset: Int64, pending: Bool)] = [:]
    let keys = (0..<2000).map { _ in DedupKey(high: random.next(), low: random.next() % 300) }
    for step in 0..<10_000 {
      let key = keys[Int(random.next() % UInt64(keys.count))]
      if random.next() % 4 == 0 {
        // A wrong entry number (here: always 0) must still find the key.
        let committed = table.commitPending(entry: 0, key: key)
        if let held = model[key], held.pending {
          XCTAssertEqual(committed?.offset, held.offset)
          XCTAssertEqual(committed?.state, .committed)
          model[key] = (held.offset, false)
        } else {
          XCTAssertNil(committed)
        }
      } else {
        let slot = DedupTable.Slot(
          keyHigh: key.high, keyLow: key.low, fingerprint: 0, offset: Int64(step),
          clockMillis: Int64(step), partition: 0, tableTag: 1, state: .pending)
        let (found, number, bucket) = table.locate(key)
        XCTAssertEqual(found?.offset, model[key]?.offset)
        if let number {
          table.replace(entry: number, with: slot)
        } else {
          table.insert(slot, absentAt: bucket)
        }
        model[key] = (Int64(step), true)
      }
      XCTAssertEqual(table.count, model.count)
    }
    for key in keys {
      XCTAssertEqual(table.find(key)?.offset, model[key]?.offset)
      XCTAssertEqual(table.find(key).map { $0.state == .pending }, model[key]?.pending)
    }
  }
}
