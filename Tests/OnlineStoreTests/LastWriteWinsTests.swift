import XCTest

@testable import OnlineStore

/// Last-write-wins against every backend (`PostgresLastWriteWinsTests` runs these on
/// PostgreSQL).
class LastWriteWinsTests: OnlineStoreContractTestCase {
  func testOutOfOrderWritesKeepTheGreatestEventTime() throws {
    let store = try openStore()
    XCTAssertEqual(
      try apply(store, [user("u1", clicks: 3, at: 300, offset: 0)]),
      OnlineGroupCounts(applied: 1, stale: 0))
    // Older event time, later offset: stale.
    XCTAssertEqual(
      try apply(store, [user("u1", clicks: 1, at: 100, offset: 1)]),
      OnlineGroupCounts(applied: 0, stale: 1))
    XCTAssertEqual(try clicks(store, "u1"), 3)
    XCTAssertEqual(
      try apply(store, [user("u1", clicks: 4, at: 400, offset: 2)]),
      OnlineGroupCounts(applied: 1, stale: 0))
    XCTAssertEqual(try clicks(store, "u1"), 4)
    let row = try XCTUnwrap(try store.get(group: "user_stats", key: [.string("u1")]))
    XCTAssertEqual(row.order, OnlineWriteOrder(eventTime: 400, partition: 0, offset: 2))
  }

  /// An entity written from a second partition is counted (against its stored write and
  /// against an earlier write of the same batch), and its key kept for the log.
  func testWritesOfAnEntityFromASecondPartitionAreCounted() throws {
    let store = try openStore()
    XCTAssertEqual(
      try apply(store, [user("u1", clicks: 1, at: 100, partition: 0, offset: 0)])
        .partitionViolations, 0)
    let counts = try apply(
      store,
      [
        user("u1", clicks: 2, at: 200, partition: 1, offset: 0),
        user("u2", clicks: 1, at: 100, partition: 1, offset: 1),
        user("u2", clicks: 2, at: 50, partition: 2, offset: 0),
        user("u3", clicks: 1, at: 100, partition: 2, offset: 1),
      ])
    XCTAssertEqual(counts.partitionViolations, 2)
    XCTAssertEqual(counts.violatingKeys, [[.string("u1")], [.string("u2")]])
    XCTAssertEqual(counts.applied, 3)
    XCTAssertEqual(counts.stale, 1)
  }

  func testEqualEventTimesAreBrokenByPartitionThenOffset() throws {
    let store = try openStore()
    try apply(store, [user("u1", clicks: 1, at: 500, partition: 1, offset: 50)])
    // Same time, lower partition (even with a higher offset): stale.
    XCTAssertEqual(
      try apply(store, [user("u1", clicks: 2, at: 500, partition: 0, offset: 99)]).stale, 1)
    XCTAssertEqual(try clicks(store, "u1"), 1)
    // Same time and partition, lower offset: stale; the very same write again: stale.
    XCTAssertEqual(
      try apply(store, [user("u1", clicks: 3, at: 500, partition: 1, offset: 49)]).stale, 1)
    XCTAssertEqual(
      try apply(store, [user("u1", clicks: 1, at: 500, partition: 1, offset: 50)]).stale, 1)
    // Same time and partition, higher offset: applied.
    XCTAssertEqual(
      try apply(store, [user("u1", clicks: 4, at: 500, partition: 1, offset: 51)]).applied, 1)
    XCTAssertEqual(try clicks(store, "u1"), 4)
    // Same time, higher partition, lower offset: applied.
    XCTAssertEqual(
      try apply(store, [user("u1", clicks: 5, at: 500, partition: 2, offset: 0)]).applied, 1)
    XCTAssertEqual(try clicks(store, "u1"), 5)
  }

  func testDeleteLeavesATombstoneAndAGreaterUpsertRecreates() throws {
    let store = try openStore()
    try apply(
      store, [user("u1", clicks: 1, at: 100, offset: 0), user("u2", clicks: 2, at: 100, offset: 1)])
    XCTAssertEqual(try apply(store, [userDelete("u1", at: 200, offset: 2)]).applied, 1)
    XCTAssertNil(try store.get(group: "user_stats", key: [.string("u1")]))
    XCTAssertEqual(try store.count(group: "user_stats"), 1)
    var dumped: [OnlineRow] = []
    var cursor = store.dump(group: "user_stats")
    try cursor.forEachRemaining { dumped.append($0) }
    XCTAssertEqual(dumped.map(\.key), [[.string("u2")]])

    // An upsert older than the tombstone does not resurrect the entity.
    XCTAssertEqual(
      try apply(store, [user("u1", clicks: 9, at: 150, offset: 3)]),
      OnlineGroupCounts(applied: 0, stale: 1))
    XCTAssertNil(try store.get(group: "user_stats", key: [.string("u1")]))
    // A delete older than the tombstone is stale as well.
    XCTAssertEqual(try apply(store, [userDelete("u1", at: 199, offset: 4)]).stale, 1)

    // A greater upsert re-creates it with its own features.
    XCTAssertEqual(try apply(store, [user("u1", clicks: 7, at: 300, offset: 5)]).applied, 1)
    XCTAssertEqual(try clicks(store, "u1"), 7)
    XCTAssertEqual(try store.count(group: "user_stats"), 2)
  }

  func testDeleteOfAnUnknownEntityIsRememberedAsATombstone() throws {
    let store = try openStore()
    XCTAssertEqual(try apply(store, [userDelete("ghost", at: 500, offset: 0)]).applied, 1)
    XCTAssertNil(try store.get(group: "user_stats", key: [.string("ghost")]))
    XCTAssertEqual(try store.count(group: "user_stats"), 0)
    XCTAssertEqual(try apply(store, [user("ghost", clicks: 1, at: 400, offset: 1)]).stale, 1)
    XCTAssertNil(try store.get(group: "user_stats", key: [.string("ghost")]))
    // A delete's values are neither stored nor checked: stray ones do not fail the batch.
    let strayValues = OnlineWrite(
      key: [.string("ghost")], eventTime: 600, partition: 0, offset: 2, operation: .delete,
      values: [.string("ignored")])
    XCTAssertEqual(try apply(store, [strayValues]).applied, 1)
  }

  func testStaleCountsAreExactForSeveralWritesOfOneEntityInOneBatch() throws {
    let store = try openStore()
    try apply(store, [user("u1", clicks: 0, at: 100, offset: 0)])
    // Processing order against the stored 100 and each other:
    //  90 stale (< stored 100); 200 applied; 150 stale (< 200 in the batch); 200 same order
    //  as an earlier write → stale; 300 delete applied; 250 stale (< tombstone 300);
    //  400 applied (re-creates); 100@p0o0 stale (== stored order).
    let writes = [
      user("u1", clicks: 1, at: 90, offset: 1),
      user("u1", clicks: 2, at: 200, offset: 2),
      user("u1", clicks: 3, at: 150, offset: 3),
      user("u1", clicks: 4, at: 200, offset: 2),
      userDelete("u1", at: 300, offset: 5),
      user("u1", clicks: 6, at: 250, offset: 6),
      user("u1", clicks: 7, at: 400, offset: 7),
      user("u1", clicks: 8, at: 100, offset: 0),
    ]
    XCTAssertEqual(try apply(store, writes), OnlineGroupCounts(applied: 3, stale: 5))
    XCTAssertEqual(try clicks(store, "u1"), 7)
  }

  func testBatchEndingInADeleteTombstonesTheEntity() throws {
    let store = try openStore()
    let counts = try apply(
      store,
      [
        user("u1", clicks: 1, at: 100, offset: 0), userDelete("u1", at: 200, offset: 1),
        user("u1", clicks: 2, at: 150, offset: 2), user("u2", clicks: 3, at: 100, offset: 3),
      ])
    XCTAssertEqual(counts, OnlineGroupCounts(applied: 3, stale: 1))
    XCTAssertNil(try store.get(group: "user_stats", key: [.string("u1")]))
    XCTAssertEqual(try clicks(store, "u2"), 3)
    XCTAssertEqual(try apply(store, [user("u1", clicks: 5, at: 199, offset: 4)]).stale, 1)
  }

  func testCollapsedBatchGivesTheSameStoreAsOneWriteAtATime() throws {
    // The same random writes applied in one batch and one by one must leave equal rows and
    // equal total counts: collapsing per entity is an optimisation, not a semantic change.
    var generator = SystemRandomNumberGenerator()
    var writes: [OnlineWrite] = []
    for offset in 0..<2_000 {
      let id = "u\(Int.random(in: 0..<50, using: &generator))"
      let time = Int64.random(in: 0..<40, using: &generator)
      let partition = Int32.random(in: 0..<3, using: &generator)
      writes.append(
        Int.random(in: 0..<5, using: &generator) == 0
          ? userDelete(id, at: time, partition: partition, offset: Int64(offset))
          : user(id, clicks: Int64(offset), at: time, partition: partition, offset: Int64(offset)))
    }
    let batched = try openStore()
    let batchCounts = try apply(batched, writes)
    let single = try openStore(at: dataDirectory.path + "/single")
    var singleCounts = OnlineGroupCounts()
    for write in writes {
      let counts = try apply(single, [write])
      singleCounts.applied += counts.applied
      singleCounts.stale += counts.stale
      singleCounts.partitionViolations += counts.partitionViolations
    }
    XCTAssertEqual(batchCounts.applied, singleCounts.applied)
    XCTAssertEqual(batchCounts.stale, singleCounts.stale)
    XCTAssertEqual(batchCounts.partitionViolations, singleCounts.partitionViolations)
    XCTAssertEqual(batchCounts.applied + batchCounts.stale, writes.count)
    var expected: [OnlineRow] = []
    var actual: [OnlineRow] = []
    var singleCursor = single.dump(group: "user_stats", pageSize: 7)
    try singleCursor.forEachRemaining { expected.append($0) }
    var batchCursor = batched.dump(group: "user_stats", pageSize: 7)
    try batchCursor.forEachRemaining { actual.append($0) }
    XCTAssertEqual(actual, expected)
    XCTAssertFalse(actual.isEmpty)
  }

  func testCompositePrimaryKeys() throws {
    let store = try openStore()
    func shop(_ region: String, _ id: Int64, revenue: Double, at time: Int64, offset: Int64)
      -> OnlineWrite
    {
      OnlineWrite(
        key: [.string(region), .bigint(id)], eventTime: time, partition: 0, offset: offset,
        values: [.double(revenue), .boolean(true)])
    }
    let counts = try apply(
      store,
      [
        shop("eu", 1, revenue: 10, at: 100, offset: 0),
        shop("us", 1, revenue: 20, at: 100, offset: 1),
        shop("eu", 2, revenue: 30, at: 100, offset: 2),
        shop("eu", 1, revenue: 11, at: 200, offset: 3),
        shop("us", 1, revenue: 19, at: 50, offset: 4),
      ], group: "shop_sales")
    XCTAssertEqual(counts, OnlineGroupCounts(applied: 4, stale: 1))
    XCTAssertEqual(try store.count(group: "shop_sales"), 3)
    XCTAssertEqual(
      try store.get(group: "shop_sales", key: [.string("eu"), .bigint(1)])?.values,
      [.double(11), .boolean(true)])
    XCTAssertEqual(
      try store.get(group: "shop_sales", key: [.string("us"), .bigint(1)])?.values,
      [.double(20), .boolean(true)])
    XCTAssertNil(try store.get(group: "shop_sales", key: [.string("us"), .bigint(2)]))
    // Rows come back in key order: region, then shop_id.
    let rows = try store.rows(group: "shop_sales", after: nil, limit: 10)
    XCTAssertEqual(
      rows.map(\.key),
      [[.string("eu"), .bigint(1)], [.string("eu"), .bigint(2)], [.string("us"), .bigint(1)]])
    XCTAssertEqual(
      try store.rows(group: "shop_sales", after: [.string("eu"), .bigint(2)], limit: 10).map(\.key),
      [[.string("us"), .bigint(1)]])
  }

  func testCanonicallyEquivalentStringsAreDistinctEntities() throws {
    // SQLite compares keys byte for byte; Swift would call these two strings equal.
    let composed = "caf\u{E9}"
    let decomposed = "cafe\u{301}"
    XCTAssertEqual(composed, decomposed)
    let store = try openStore()
    let counts = try apply(
      store,
      [
        user(composed, clicks: 1, at: 100, offset: 0),
        user(decomposed, clicks: 2, at: 50, offset: 1),
      ])
    XCTAssertEqual(counts, OnlineGroupCounts(applied: 2, stale: 0))
    XCTAssertEqual(try store.count(group: "user_stats"), 2)
    XCTAssertEqual(try clicks(store, composed), 1)
    XCTAssertEqual(try clicks(store, decomposed), 2)
  }
}
