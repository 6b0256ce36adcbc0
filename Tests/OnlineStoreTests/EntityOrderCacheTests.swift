import XCTest

@testable import OnlineStore

/// The apply path remembers each entity's stored order across batches; these prove the
/// memory never disagrees with the table, whatever else changed it.
final class EntityOrderCacheTests: OnlineStoreTestCase {
  func testARepairBetweenBatchesIsSeenByTheNextBatch() throws {
    let store = try openSQLiteStore()
    try apply(store, [user("u1", clicks: 1, at: 500, offset: 0)])
    // A repair puts an older row in place, outside last-write-wins.
    try store.replaceEntity(
      group: "user_stats",
      row: OnlineRow(
        key: [.string("u1")], eventTime: 100, partition: 0, offset: 0,
        values: [.bigint(7), .null, .null, .null, .null]))
    // Greater than what the table now holds (100), though not than what it held (500).
    XCTAssertEqual(
      try apply(store, [user("u1", clicks: 2, at: 300, offset: 1)]),
      OnlineGroupCounts(applied: 1, stale: 0))
    XCTAssertEqual(try clicks(store, "u1"), 2)
  }

  func testAPurgedTombstoneNoLongerHoldsBackOlderWrites() throws {
    let store = try openSQLiteStore()
    try apply(store, [userDelete("u1", at: 500, offset: 0)])
    XCTAssertEqual(try apply(store, [user("u1", clicks: 1, at: 200, offset: 1)]).stale, 1)
    XCTAssertEqual(try store.purgeTombstones(group: "user_stats", olderThan: 1000), 1)
    XCTAssertEqual(try apply(store, [user("u1", clicks: 3, at: 200, offset: 2)]).applied, 1)
    XCTAssertEqual(try clicks(store, "u1"), 3)
  }

  func testAnotherConnectionsCommitEmptiesTheCache() throws {
    let store = try openSQLiteStore()
    try apply(
      store, [user("u1", clicks: 1, at: 500, offset: 0), user("u2", clicks: 1, at: 500, offset: 1)])
    // Another connection (as another process would) deletes u1 behind the store's back.
    let other = try SQLiteConnection(path: store.databasePath, readOnly: false)
    try other.execute(
      "DELETE FROM \(GroupTable.quote(Self.userStats.tableName)) WHERE user_id = 'u1'")
    XCTAssertEqual(
      try apply(
        store,
        [user("u1", clicks: 2, at: 100, offset: 2), user("u2", clicks: 2, at: 100, offset: 3)]),
      OnlineGroupCounts(applied: 1, stale: 1))
    XCTAssertEqual(try clicks(store, "u1"), 2)
    XCTAssertEqual(try clicks(store, "u2"), 1)
  }

  func testAFullCacheStartsOverAndDecisionsStayExact() throws {
    var cache = EntityOrderCache(capacity: 4)
    let keys: [[OnlineValue]] = (0..<6).map { [.bigint(Int64($0))] }
    cache.makeRoom(for: 3)
    for (index, key) in keys.prefix(3).enumerated() {
      let (slot, stored) = cache.entry(for: key)
      XCTAssertTrue(stored == nil, "unknown until read")
      cache.set(slot, OnlineWriteOrder(eventTime: Int64(index), partition: 0, offset: 0))
    }
    XCTAssertEqual(
      cache.entry(for: keys[1]).stored,
      .some(OnlineWriteOrder(eventTime: 1, partition: 0, offset: 0)))
    // Three more would pass the capacity: the cache forgets, and every key is unknown again.
    cache.makeRoom(for: 3)
    XCTAssertEqual(cache.count, 0)
    XCTAssertTrue(cache.entry(for: keys[1]).stored == nil)
    let (slot, _) = cache.entry(for: keys[4])
    cache.set(slot, nil)
    XCTAssertEqual(cache.entry(for: keys[4]).stored, .some(nil), "known to be absent")
  }

  func testManyBatchesOverTheSameEntitiesMatchOneWriteAtATime() throws {
    let store = try openSQLiteStore()
    let reference = try openSQLiteStore(at: dataDirectory.path + "/reference")
    var random = SystemRandomNumberGenerator()
    var offset: Int64 = 0
    for _ in 0..<20 {
      var writes: [OnlineWrite] = []
      for _ in 0..<50 {
        let id = "u\(Int.random(in: 0..<30, using: &random))"
        let time = Int64.random(in: 0..<1000, using: &random)
        writes.append(
          Bool.random(using: &random)
            ? user(id, clicks: offset, at: time, offset: offset)
            : userDelete(id, at: time, offset: offset))
        offset += 1
      }
      var expected = OnlineGroupCounts()
      for write in writes {
        let one = try apply(reference, [write])
        expected.applied += one.applied
        expected.stale += one.stale
      }
      XCTAssertEqual(try apply(store, writes), expected)
    }
    for id in 0..<30 {
      XCTAssertEqual(
        try store.get(group: "user_stats", key: [.string("u\(id)")]),
        try reference.get(group: "user_stats", key: [.string("u\(id)")]))
    }
  }
}
