import TestSupport
import XCTest

@testable import Ingestion

final class DedupIndexTests: XCTestCase {
  let hour: Int64 = 3_600_000

  private func write(key: String, millis: Int64, clicks: Int64 = 1, group: String = "user_stats")
    -> FeatureWrite
  {
    FeatureWrite(
      groupIndex: 0, groupName: group, key: [.string("u")], eventTimeMicros: millis * 1000,
      operation: .upsert,
      values: [.bigint(clicks)], idempotencyKey: key, idempotencyKeyIsDerived: false,
      contentFingerprint: UInt64(clicks) &* 0x9E37_79B9)
  }

  func testDecisions() {
    var index = DedupIndex(windowMillis: hour)
    XCTAssertEqual(index.decide(write(key: "a", millis: 0), partition: 0, offset: 10), .accepted)
    // The same record read again (same position): already held.
    XCTAssertEqual(index.decide(write(key: "a", millis: 0), partition: 0, offset: 10), .alreadyHeld)
    // Same key and content elsewhere within the window: duplicate of the first.
    XCTAssertEqual(
      index.decide(write(key: "a", millis: hour), partition: 1, offset: 3),
      .duplicate(DedupPosition(partition: 0, offset: 10)))
    // Same key, different content: conflict naming the accepted record.
    XCTAssertEqual(
      index.decide(write(key: "a", millis: 5, clicks: 2), partition: 0, offset: 11),
      .conflict(DedupPosition(partition: 0, offset: 10)))
    // The group is part of the identity.
    XCTAssertEqual(
      index.decide(write(key: "a", millis: 0, group: "other"), partition: 0, offset: 12), .accepted)
    XCTAssertEqual(index.count, 2)
  }

  func testWindowIsMeasuredInEventTimeBothWays() {
    var index = DedupIndex(windowMillis: hour)
    XCTAssertEqual(
      index.decide(write(key: "k", millis: 10 * hour), partition: 0, offset: 1), .accepted)
    XCTAssertEqual(
      index.decide(write(key: "k", millis: 9 * hour), partition: 0, offset: 2),
      .duplicate(DedupPosition(partition: 0, offset: 1)))
    XCTAssertEqual(
      index.decide(write(key: "k", millis: 11 * hour), partition: 0, offset: 3),
      .duplicate(DedupPosition(partition: 0, offset: 1)))
    // Just outside the window: a new write, which takes over the key.
    XCTAssertEqual(
      index.decide(write(key: "k", millis: 11 * hour + 1), partition: 0, offset: 4), .accepted)
    XCTAssertEqual(index.entry(for: DedupKey(group: "user_stats", idempotencyKey: "k"))?.offset, 4)
    XCTAssertEqual(
      index.decide(write(key: "k", millis: 10 * hour + 1), partition: 0, offset: 5),
      .duplicate(DedupPosition(partition: 0, offset: 4)))
    // Extreme times do not overflow the comparison.
    XCTAssertEqual(
      index.decide(
        key: DedupKey(high: 1, low: 2), fingerprint: 0, eventTimeMillis: .max, partition: 0,
        offset: 6), .accepted)
    XCTAssertEqual(
      index.decide(
        key: DedupKey(high: 1, low: 2), fingerprint: 0, eventTimeMillis: .min, partition: 0,
        offset: 7), .accepted)
  }

  func testPendingCommitAndDiscard() {
    var index = DedupIndex(windowMillis: hour)
    XCTAssertEqual(index.decide(write(key: "a", millis: 0), partition: 0, offset: 1), .accepted)
    XCTAssertEqual(index.pendingCount, 1)
    // A duplicate inside the same batch is caught while still pending.
    XCTAssertEqual(
      index.decide(write(key: "a", millis: 0), partition: 0, offset: 2),
      .duplicate(DedupPosition(partition: 0, offset: 1)))
    let committed = index.commitPending()
    XCTAssertEqual(committed.count, 1)
    XCTAssertEqual(committed[0].key, DedupKey(group: "user_stats", idempotencyKey: "a"))
    XCTAssertEqual(committed[0].partition, 0)
    XCTAssertEqual(committed[0].offset, 1)
    XCTAssertEqual(committed[0].eventTimeMillis, 0)
    XCTAssertEqual(committed[0].fingerprint, write(key: "a", millis: 0).contentFingerprint)
    XCTAssertEqual(index.pendingCount, 0)
    XCTAssertTrue(index.commitPending().isEmpty)

    // A failed batch: its new key disappears and a replaced entry comes back.
    XCTAssertEqual(index.decide(write(key: "b", millis: 0), partition: 0, offset: 3), .accepted)
    XCTAssertEqual(
      index.decide(write(key: "a", millis: 5 * hour), partition: 0, offset: 4), .accepted)
    index.discardPending()
    XCTAssertNil(index.entry(for: DedupKey(group: "user_stats", idempotencyKey: "b")))
    XCTAssertEqual(index.entry(for: DedupKey(group: "user_stats", idempotencyKey: "a"))?.offset, 1)
    XCTAssertEqual(index.count, 1)
    // Re-running the batch gives the same verdicts.
    XCTAssertEqual(index.decide(write(key: "b", millis: 0), partition: 0, offset: 3), .accepted)
    XCTAssertEqual(
      index.decide(write(key: "a", millis: 5 * hour), partition: 0, offset: 4), .accepted)
    let second = index.commitPending()
    XCTAssertEqual(second.map(\.offset), [3, 4])
  }

  func testPruneKeepsPendingAndRecentEntries() {
    var index = DedupIndex(windowMillis: hour)
    _ = index.decide(write(key: "old", millis: 0), partition: 0, offset: 1)
    _ = index.decide(write(key: "new", millis: 10 * hour), partition: 0, offset: 2)
    _ = index.commitPending()
    _ = index.decide(write(key: "pending-old", millis: 0), partition: 0, offset: 3)
    XCTAssertEqual(index.prune(before: 5 * hour), 1)
    XCTAssertNil(index.entry(for: DedupKey(group: "user_stats", idempotencyKey: "old")))
    XCTAssertNotNil(index.entry(for: DedupKey(group: "user_stats", idempotencyKey: "new")))
    XCTAssertNotNil(index.entry(for: DedupKey(group: "user_stats", idempotencyKey: "pending-old")))
    // A pruned key is new again.
    XCTAssertEqual(index.decide(write(key: "old", millis: 0), partition: 0, offset: 1), .accepted)
  }

  /// A prune renumbers the table's entries while a batch is pending: the batch still
  /// commits exactly its own entries, in acceptance order.
  func testPendingEntriesCommitAfterAPrune() {
    var index = DedupIndex(windowMillis: hour)
    for offset in 0..<50 {
      _ = index.decide(write(key: "old\(offset)", millis: 0), partition: 0, offset: Int64(offset))
    }
    _ = index.decide(write(key: "new", millis: 10 * hour), partition: 0, offset: 50)
    _ = index.commitPending()
    for offset in 51..<60 {
      _ = index.decide(
        write(key: "batch\(offset)", millis: 10 * hour), partition: 0, offset: Int64(offset))
    }
    XCTAssertEqual(index.prune(before: 5 * hour), 50)
    let committed = index.commitPending()
    XCTAssertEqual(committed.map(\.offset), Array(51..<60))
    XCTAssertEqual(
      committed.map(\.key),
      (51..<60).map { DedupKey(group: "user_stats", idempotencyKey: "batch\($0)") })
    XCTAssertTrue(index.commitPending().isEmpty)
    XCTAssertEqual(index.count, 10)
  }

  func testLoadRestoresDecisions() {
    var first = DedupIndex(windowMillis: hour)
    for offset in 0..<1000 {
      _ = first.decide(
        write(key: "k\(offset)", millis: Int64(offset)), partition: 2, offset: Int64(offset))
    }
    let persisted = first.commitPending()
    var restarted = DedupIndex(windowMillis: hour)
    restarted.load(persisted)
    XCTAssertEqual(restarted.count, 1000)
    XCTAssertEqual(restarted.pendingCount, 0)
    XCTAssertEqual(
      restarted.decide(write(key: "k7", millis: 7), partition: 2, offset: 7), .alreadyHeld)
    XCTAssertEqual(
      restarted.decide(write(key: "k7", millis: 7), partition: 3, offset: 0),
      .duplicate(DedupPosition(partition: 2, offset: 7)))
    XCTAssertEqual(Set(restarted.committedEntries()), Set(persisted))
  }

  /// The persisted key must not change between versions: pin one value.
  func testDedupKeyIsStable() {
    let key = DedupKey(group: "user_stats", idempotencyKey: "evt-7-1")
    var bytes: [UInt8] = [10, 0, 0, 0]
    bytes += Array("user_stats".utf8) + Array("evt-7-1".utf8)
    // XXH64 itself is checked against reference vectors in HashingTests.
    XCTAssertEqual(
      key,
      DedupKey(
        high: XXHash64.hash(bytes, seed: 0), low: XXHash64.hash(bytes, seed: 0x9E37_79B9_7F4A_7C15))
    )
    XCTAssertNotEqual(
      DedupKey(group: "ab", idempotencyKey: "c"), DedupKey(group: "a", idempotencyKey: "bc"))
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
            eventTimeMillis: 0,
            partition: 0, state: .committed))
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
          eventTimeMillis: Int64(step), partition: 0, state: .pending)
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
