import XCTest

@testable import OnlineStore

/// Paging, repair and tombstone purges against every backend (`PostgresReadAndRepairTests`).
class ReadAndRepairTests: OnlineStoreContractTestCase {
  func testDumpPagesThroughEveryLiveRowInKeyOrder() throws {
    let store = try openStore()
    var writes: [OnlineWrite] = []
    for index in 0..<2_500 {
      writes.append(
        user(String(format: "u%05d", index), clicks: Int64(index), at: 10, offset: Int64(index)))
    }
    // Every 10th entity tombstoned.
    for index in stride(from: 0, to: 2_500, by: 10) {
      writes.append(
        userDelete(String(format: "u%05d", index), at: 20, offset: Int64(10_000 + index)))
    }
    try apply(store, writes)
    XCTAssertEqual(try store.count(group: "user_stats"), 2_250)
    var keys: [String] = []
    var cursor = store.dump(group: "user_stats", pageSize: 100)
    while let row = try cursor.next() {
      guard case .string(let id) = row.key[0], case .bigint(let clicks) = row.values[0] else {
        return XCTFail("unexpected row \(row)")
      }
      XCTAssertEqual(String(format: "u%05d", clicks), id)
      keys.append(id)
    }
    XCTAssertEqual(keys.count, 2_250)
    XCTAssertEqual(keys, keys.sorted())
    XCTAssertFalse(keys.contains("u00010"))
    XCTAssertNil(try cursor.next())
  }

  func testReplaceEntityIgnoresLastWriteWins() throws {
    let store = try openStore()
    try apply(store, [user("u1", clicks: 5, at: 500, offset: 5)])
    // Verify found the offline table's greatest row to be older: repair sets it as is.
    let repaired = OnlineRow(
      key: [.string("u1")], eventTime: 100, partition: 0, offset: 1,
      values: [.bigint(1), .null, .string("DE"), .boolean(false), .timestamp(100)])
    try store.replaceEntity(group: "user_stats", row: repaired)
    XCTAssertEqual(try store.get(group: "user_stats", key: [.string("u1")]), repaired)
    // From then on the repaired row's order decides.
    XCTAssertEqual(try apply(store, [user("u1", clicks: 2, at: 200, offset: 2)]).applied, 1)
    // It also replaces a tombstone.
    try apply(store, [userDelete("u2", at: 900, offset: 9)])
    try store.replaceEntity(
      group: "user_stats",
      row: OnlineRow(
        key: [.string("u2")], eventTime: 1, partition: 0, offset: 0, values: repaired.values))
    XCTAssertNotNil(try store.get(group: "user_stats", key: [.string("u2")]))
  }

  func testDeleteEntityWithAndWithoutTombstone() throws {
    let store = try openStore()
    try apply(
      store, [user("u1", clicks: 1, at: 100, offset: 0), user("u2", clicks: 2, at: 100, offset: 1)])
    XCTAssertTrue(
      try store.deleteEntity(group: "user_stats", key: [.string("u1")], tombstoneAt: nil))
    XCTAssertFalse(
      try store.deleteEntity(group: "user_stats", key: [.string("u1")], tombstoneAt: nil))
    // Without a tombstone nothing remains, so an old write applies again.
    XCTAssertEqual(try apply(store, [user("u1", clicks: 3, at: 1, offset: 2)]).applied, 1)

    let tombstone = OnlineWriteOrder(eventTime: 500, partition: 0, offset: 7)
    XCTAssertTrue(
      try store.deleteEntity(group: "user_stats", key: [.string("u2")], tombstoneAt: tombstone))
    XCTAssertNil(try store.get(group: "user_stats", key: [.string("u2")]))
    XCTAssertEqual(try apply(store, [user("u2", clicks: 4, at: 400, offset: 3)]).stale, 1)
    XCTAssertEqual(try apply(store, [user("u2", clicks: 5, at: 600, offset: 4)]).applied, 1)
  }

  func testPurgeTombstonesForgetsOnlyOldTombstones() throws {
    let store = try openStore()
    try apply(
      store,
      [
        userDelete("old", at: 100, offset: 0), userDelete("new", at: 1_000, offset: 1),
        user("live", clicks: 1, at: 50, offset: 2),
      ])
    XCTAssertEqual(try store.purgeTombstones(group: "user_stats", olderThan: 500), 1)
    // "old" is forgotten: an older upsert applies now; "new" still shields.
    XCTAssertEqual(try apply(store, [user("old", clicks: 1, at: 90, offset: 3)]).applied, 1)
    XCTAssertEqual(try apply(store, [user("new", clicks: 1, at: 900, offset: 4)]).stale, 1)
    XCTAssertEqual(try clicks(store, "live"), 1)
  }
}
