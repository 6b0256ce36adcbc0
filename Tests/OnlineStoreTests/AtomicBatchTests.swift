import XCTest

@testable import OnlineStore

/// What one batch commits together, against every backend (`PostgresAtomicBatchTests`).
class AtomicBatchTests: OnlineStoreContractTestCase {
  func batch(_ writes: [OnlineWrite], offset: Int64, version: Int64, dedup: [DedupEntryRecord])
    -> OnlineBatch
  {
    Self.batch(writes, offset: offset, version: version, dedup: dedup)
  }

  static func batch(
    _ writes: [OnlineWrite], offset: Int64, version: Int64, dedup: [DedupEntryRecord]
  ) -> OnlineBatch {
    OnlineBatch(
      writes: ["user_stats": writes], dedupEntries: dedup,
      positions: [
        PartitionPosition(table: "user_stats_v1", topic: "features", partition: 0, offset: offset),
        PartitionPosition(
          table: "user_stats_v1", topic: "features", partition: 1, offset: offset + 10),
      ],
      appliedVersions: ["user_stats_v1": version, "_dead_letters": version + 100])
  }

  func testPositionsAndVersionsAreCommittedWithTheRows() throws {
    var store = try openStore()
    XCTAssertEqual(try store.positions(), [])
    XCTAssertEqual(try store.appliedVersions(), [:])
    _ = try store.apply(
      batch(
        [user("u1", clicks: 1, at: 1, offset: 4)], offset: 4, version: 1, dedup: [dedupEntry(1)]))
    store.close()
    store = try openStore()
    XCTAssertEqual(
      try store.positions(),
      [
        PartitionPosition(table: "user_stats_v1", topic: "features", partition: 0, offset: 4),
        PartitionPosition(table: "user_stats_v1", topic: "features", partition: 1, offset: 14),
      ])
    XCTAssertEqual(try store.appliedVersions(), ["user_stats_v1": 1, "_dead_letters": 101])
    XCTAssertEqual(try store.loadDedupEntries(), [dedupEntry(1)])
    XCTAssertEqual(try clicks(store, "u1"), 1)
  }

  func testPositionsAndVersionsNeverMoveBack() throws {
    let store = try openStore()
    _ = try store.apply(batch([], offset: 50, version: 5, dedup: []))
    // A replay of an earlier range reports older positions and versions.
    _ = try store.apply(batch([], offset: 20, version: 2, dedup: []))
    XCTAssertEqual(try store.positions().map(\.offset), [50, 60])
    XCTAssertEqual(try store.appliedVersions()["user_stats_v1"], 5)
    _ = try store.apply(
      OnlineBatch(positions: [
        PartitionPosition(table: "user_stats_v1", topic: "other", partition: 0, offset: 0)
      ]))
    XCTAssertEqual(try store.positions().map(\.topic), ["features", "features", "other"])
  }

  /// `beforeCommit` runs with the rows written but not visible (the committer waits there
  /// for the offline commit); its versions are committed with them, and when it throws,
  /// nothing is.
  func testBeforeCommitRunsInsideTheTransaction() throws {
    let store = try openStore()
    _ = try store.apply(batch([], offset: 1, version: 1, dedup: []))
    let reader = try openStore(access: .readOnly)
    var calls = 0
    _ = try store.apply(
      batch(
        [user("u1", clicks: 7, at: 1, offset: 4)], offset: 4, version: 2, dedup: [dedupEntry(1)]),
      beforeCommit: {
        calls += 1
        XCTAssertNil(try reader.get(group: "user_stats", key: [.string("u1")]), "not yet visible")
        XCTAssertEqual(try reader.positions().map(\.offset), [1, 11])
        return ["user_stats_v1": 9, "other_table": 3]
      })
    XCTAssertEqual(calls, 1)
    XCTAssertEqual(try clicks(reader, "u1"), 7)
    XCTAssertEqual(
      try store.appliedVersions(), ["user_stats_v1": 9, "_dead_letters": 102, "other_table": 3])

    let dedupLength = try (store as? SQLiteOnlineStore).map {
      try fileSize($0.directory + "/dedup.log")
    }
    XCTAssertThrowsError(
      try store.apply(
        batch(
          [user("u1", clicks: 8, at: 2, offset: 5), user("u2", clicks: 1, at: 2, offset: 6)],
          offset: 6, version: 3, dedup: [dedupEntry(2)]),
        beforeCommit: { throw InjectedFault() }))
    XCTAssertEqual(try clicks(store, "u1"), 7)
    XCTAssertNil(try store.get(group: "user_stats", key: [.string("u2")]))
    XCTAssertEqual(try store.positions().map(\.offset), [4, 14])
    XCTAssertEqual(try store.loadDedupEntries(), [dedupEntry(1)])
    if let sqlite = store as? SQLiteOnlineStore {
      XCTAssertEqual(
        try fileSize(sqlite.directory + "/dedup.log"), dedupLength, "appended bytes cut")
    }
    reader.close()
  }

  func testAnEmptyBatchAndAGroupWithoutWritesAreFine() throws {
    let store = try openStore()
    XCTAssertEqual(try store.apply(OnlineBatch()), OnlineApplyResult())
    let result = try store.apply(OnlineBatch(writes: ["user_stats": []]))
    XCTAssertEqual(result["user_stats"], OnlineGroupCounts())
  }

}

/// What only the embedded store has: its fault points inside the transaction, the dedup
/// log's tail after a crash, and the upgrade of a store an earlier version made.
final class SQLiteAtomicBatchTests: OnlineStoreTestCase {
  func batch(_ writes: [OnlineWrite], offset: Int64, version: Int64, dedup: [DedupEntryRecord])
    -> OnlineBatch
  {
    AtomicBatchTests.batch(writes, offset: offset, version: version, dedup: dedup)
  }

  /// A batch failing at each stage of its transaction leaves rows, positions, versions and
  /// dedup entries exactly as before, and the store keeps working.
  func testABatchThatFailsHalfwayLeavesNothing() throws {
    for point in [SQLiteOnlineStore.FaultPoint.afterRows, .afterDedupAppend, .beforeCommit] {
      let directory = dataDirectory.path + "/\(point)"
      let store = try openSQLiteStore(at: directory)
      _ = try store.apply(
        batch(
          [user("u1", clicks: 1, at: 100, offset: 0)], offset: 0, version: 1, dedup: [dedupEntry(1)]
        ))
      let dedupLength = try fileSize(store.directory + "/dedup.log")

      store.faultInjection = { if $0 == point { throw InjectedFault() } }
      let failing = batch(
        [user("u1", clicks: 2, at: 200, offset: 1), user("u2", clicks: 3, at: 100, offset: 2)],
        offset: 2, version: 2,
        dedup: [dedupEntry(2), dedupEntry(3)])
      XCTAssertThrowsError(try store.apply(failing)) {
        XCTAssertTrue($0 is InjectedFault, "\(point)")
      }
      XCTAssertEqual(try clicks(store, "u1"), 1, "\(point)")
      XCTAssertNil(try store.get(group: "user_stats", key: [.string("u2")]), "\(point)")
      XCTAssertEqual(try store.positions().map(\.offset), [0, 10], "\(point)")
      XCTAssertEqual(try store.appliedVersions()["user_stats_v1"], 1, "\(point)")
      XCTAssertEqual(try store.loadDedupEntries(), [dedupEntry(1)], "\(point)")
      XCTAssertEqual(
        try fileSize(store.directory + "/dedup.log"), dedupLength, "\(point): appended bytes cut")

      // The same batch goes through once the fault is gone, and only once.
      store.faultInjection = nil
      XCTAssertEqual(
        try store.apply(failing)["user_stats"], OnlineGroupCounts(applied: 2, stale: 0))
      XCTAssertEqual(try clicks(store, "u1"), 2)
      XCTAssertEqual(try store.loadDedupEntries(), [dedupEntry(1), dedupEntry(2), dedupEntry(3)])
      XCTAssertEqual(try store.positions().map(\.offset), [2, 12])
    }
  }

  /// A `kill -9` in the middle of a batch (here: a snapshot of the files taken inside the
  /// transaction, after the dedup append) comes back as the store before the batch.
  func testACrashInsideTheTransactionComesBackAsTheStoreBeforeTheBatch() throws {
    let store = try openSQLiteStore()
    _ = try store.apply(
      batch(
        [user("u1", clicks: 1, at: 100, offset: 0)], offset: 0, version: 1, dedup: [dedupEntry(1)]))
    var snapshot: String?
    store.faultInjection = { point in
      if point == .beforeCommit { snapshot = try self.crashSnapshot(of: store) }
    }
    _ = try store.apply(
      batch(
        [user("u1", clicks: 2, at: 200, offset: 1)], offset: 1, version: 2,
        dedup: [dedupEntry(2), dedupEntry(3)]))
    XCTAssertEqual(try clicks(store, "u1"), 2)

    let crashed = try XCTUnwrap(snapshot)
    let committedLength = DedupEntryRecord.encodedSize
    XCTAssertEqual(
      try fileSize(crashed + "/online/dedup.log"), 3 * committedLength, "the crash left a tail")
    let recovered = try openSQLiteStore(at: crashed)
    XCTAssertEqual(
      try fileSize(crashed + "/online/dedup.log"), committedLength, "the tail is cut on open")
    XCTAssertEqual(try recovered.loadDedupEntries(), [dedupEntry(1)])
    XCTAssertEqual(try clicks(recovered, "u1"), 1)
    XCTAssertEqual(try recovered.positions().map(\.offset), [0, 10])
    XCTAssertEqual(try recovered.appliedVersions()["user_stats_v1"], 1)
    // Appends continue after the committed length.
    _ = try recovered.apply(OnlineBatch(dedupEntries: [dedupEntry(9)]))
    recovered.close()
    XCTAssertEqual(
      try openSQLiteStore(at: crashed).loadDedupEntries(), [dedupEntry(1), dedupEntry(9)])
  }

  /// Positions are per table: one table moves without the other, and a store an earlier
  /// version left, with one shared position per partition, gives that position to each of
  /// its tables (read-only as well), while a table registered later starts with none.
  func testPositionsPerTableAndTheUpgradeFromSharedOnes() throws {
    let databasePath: String
    do {
      let store = try openSQLiteStore()
      databasePath = store.databasePath
      _ = try store.apply(
        OnlineBatch(positions: [
          PartitionPosition(
            table: "user_stats_v1", topic: "features", partition: 0, offset: 9,
            logClockMillis: 1_000)
        ]))
      XCTAssertEqual(
        try store.positions(),
        [
          PartitionPosition(
            table: "user_stats_v1", topic: "features", partition: 0, offset: 9,
            logClockMillis: 1_000)
        ])
      store.close()
    }
    // Turn the store into one an earlier version made.
    let connection = try SQLiteConnection(path: databasePath, readOnly: false)
    try connection.execute(
      """
      DROP TABLE _idemstream_table_positions;
      CREATE TABLE _idemstream_positions (
        topic TEXT NOT NULL, kafka_partition INTEGER NOT NULL, last_offset INTEGER NOT NULL,
        PRIMARY KEY (topic, kafka_partition)) WITHOUT ROWID, STRICT;
      INSERT INTO _idemstream_positions VALUES ('features', 0, 41), ('features', 1, 7)
      """)
    let shared = ["shop_sales_v2", "user_stats_v1"].flatMap { table in
      [
        PartitionPosition(table: table, topic: "features", partition: 0, offset: 41),
        PartitionPosition(table: table, topic: "features", partition: 1, offset: 7),
      ]
    }
    let reader = try openSQLiteStore(access: .readOnly)
    XCTAssertEqual(try reader.positions(), shared)
    reader.close()
    let newVersion = OnlineTableSchema(
      group: "user_stats", version: 2, primaryKey: ["user_id"],
      features: [("user_id", .string), ("clicks", .bigint)])
    let upgraded = try openSQLiteStore([newVersion, Self.shopSales])
    XCTAssertEqual(try upgraded.positions(), shared)
    XCTAssertFalse(try upgraded.positions().contains { $0.table == "user_stats_v2" })
  }
}
