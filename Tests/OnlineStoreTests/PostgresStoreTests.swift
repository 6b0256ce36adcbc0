import TestSupport
import XCTest

@testable import OnlineStore
@testable import PostgresOnlineStore

/// What is particular to the PostgreSQL store: the database decides last-write-wins, a
/// failed batch leaves the database as it was, psql reads the tables, and failures are
/// sorted into the ones a retry can fix and the ones it cannot.
final class PostgresStoreTests: OnlineStoreContractTestCase {
  override class var backend: Backend { .postgres }

  func pgStore(_ schemas: [OnlineTableSchema] = [userStats, shopSales]) throws
    -> PostgresOnlineStore
  {
    try XCTUnwrap(try openStore(schemas) as? PostgresOnlineStore)
  }

  /// A row the database holds decides, not anything the store remembers: a row changed
  /// behind the store's back (by psql) with a greater order makes the next batch's write
  /// stale; equal orders are stale too; out-of-order writes of one batch leave the greatest.
  func testTheDatabaseDecidesLastWriteWins() throws {
    let store = try pgStore()
    let table = "\(store.namespace).user_stats_v1"
    try apply(store, [user("u1", clicks: 1, at: 100, offset: 0)])
    try psql(
      "UPDATE \(table) SET clicks = 50, event_time = event_time + interval '1 second' WHERE user_id = 'u1'"
    )
    XCTAssertEqual(
      try apply(store, [user("u1", clicks: 2, at: 200, partition: 0, offset: 1)]),
      OnlineGroupCounts(applied: 0, stale: 1))
    XCTAssertEqual(try psql("SELECT clicks FROM \(table) WHERE user_id = 'u1'"), "50\n")

    // The same order as the held write: stale, the row unchanged.
    let held = try XCTUnwrap(try store.get(group: "user_stats", key: [.string("u1")]))
    XCTAssertEqual(
      try apply(
        store, [user("u1", clicks: 3, at: held.eventTime, partition: 0, offset: held.offset)]),
      OnlineGroupCounts(applied: 0, stale: 1))
    XCTAssertEqual(try psql("SELECT clicks FROM \(table) WHERE user_id = 'u1'"), "50\n")

    // Out of order within one batch, three entities: each keeps its greatest write, ties on
    // event time broken by partition then offset.
    let counts = try apply(
      store,
      [
        user("a", clicks: 2, at: 20, partition: 1, offset: 5),
        user("a", clicks: 1, at: 10, partition: 1, offset: 6),
        user("b", clicks: 1, at: 30, partition: 1, offset: 7),
        user("b", clicks: 2, at: 30, partition: 2, offset: 0),
        user("c", clicks: 2, at: 40, partition: 1, offset: 9),
        user("c", clicks: 1, at: 40, partition: 1, offset: 8),
        userDelete("c", at: 39, partition: 1, offset: 10),
      ])
    XCTAssertEqual(counts.applied, 4)
    XCTAssertEqual(counts.stale, 3)
    XCTAssertEqual(
      try psql(
        "SELECT user_id, clicks, _partition, _offset, _deleted FROM \(table) WHERE user_id <> 'u1' ORDER BY 1"
      ), "a|2|1|5|f\nb|2|2|0|f\nc|2|1|9|f\n")
  }

  /// `beforeCommit` throwing rolls back everything the transaction wrote: rows, positions,
  /// dedup entries and applied versions, as psql sees them.
  func testABatchWhoseBeforeCommitThrowsCommitsNothing() throws {
    let store = try pgStore()
    let namespace = store.namespace
    _ = try store.apply(
      AtomicBatchTests.batch(
        [user("u1", clicks: 1, at: 1, offset: 0)], offset: 0, version: 1, dedup: [dedupEntry(1)]))
    func snapshot() throws -> String {
      try psql(
        """
        SELECT (SELECT string_agg(user_id || ':' || clicks, ',' ORDER BY user_id) FROM \(namespace).user_stats_v1),
          (SELECT string_agg(last_offset::text, ',' ORDER BY kafka_partition) FROM \(namespace)._idemstream_table_positions),
          (SELECT count(*) FROM \(namespace)._idemstream_dedup_entries),
          (SELECT string_agg(table_name || '=' || version, ',' ORDER BY table_name) FROM \(namespace)._idemstream_applied_versions)
        """)
    }
    let before = try snapshot()
    XCTAssertEqual(before, "u1:1|0,10|1|_dead_letters=101,user_stats_v1=1\n")
    var reachedBeforeCommit = false
    XCTAssertThrowsError(
      try store.apply(
        AtomicBatchTests.batch(
          [user("u1", clicks: 9, at: 5, offset: 3), user("u2", clicks: 2, at: 5, offset: 4)],
          offset: 4, version: 2, dedup: [dedupEntry(2), dedupEntry(3)]),
        beforeCommit: {
          reachedBeforeCommit = true
          throw InjectedFault()
        })
    ) { XCTAssertTrue($0 is InjectedFault, "\($0)") }
    XCTAssertTrue(reachedBeforeCommit)
    XCTAssertEqual(try snapshot(), before)
    // The store goes on with the next batch on the same connection.
    _ = try store.apply(
      AtomicBatchTests.batch(
        [user("u2", clicks: 2, at: 5, offset: 4)], offset: 4, version: 2, dedup: [dedupEntry(2)]))
    XCTAssertEqual(try snapshot(), "u1:1,u2:2|4,14|2|_dead_letters=102,user_stats_v1=2\n")
  }

  /// The tables are ordinary typed tables: psql lists their columns with SQL types and reads
  /// the rows, keys, event time and features as they were written.
  func testPsqlReadsTheTablesAsOrdinaryTypedColumns() throws {
    let store = try pgStore()
    try apply(
      store,
      [
        OnlineWrite(
          key: [.string("u1")], eventTime: 1_767_225_600_123_456, partition: 2, offset: 7,
          values: [
            .bigint(42), .double(2.5), .string("Ünïcödé"), .boolean(true),
            .timestamp(1_767_225_600_000_000),
          ]),
        user("u2", clicks: 1, at: 5, offset: 8), userDelete("u3", at: 5, offset: 9),
      ])
    let columns = try psql(
      """
      SELECT column_name, data_type FROM information_schema.columns
      WHERE table_schema = '\(store.namespace)' AND table_name = 'user_stats_v1'
      ORDER BY ordinal_position
      """)
    XCTAssertEqual(
      columns,
      """
      user_id|text
      event_time|timestamp with time zone
      clicks|bigint
      spend|double precision
      country|text
      active|boolean
      last_seen|timestamp with time zone
      _partition|integer
      _offset|bigint
      _deleted|boolean

      """)
    let rows = try psql(
      """
      SET TIME ZONE 'UTC';
      SELECT user_id, event_time, clicks, spend, country, active, last_seen
      FROM \(store.namespace).user_stats_v1 WHERE NOT _deleted ORDER BY user_id
      """)
    XCTAssertEqual(
      rows,
      """
      u1|2026-01-01 00:00:00.123456+00|42|2.5|Ünïcödé|t|2026-01-01 00:00:00+00
      u2|1970-01-01 00:00:00.000005+00|1|1.5|SE|t|1970-01-01 00:00:00.000005+00

      """)
    let tables = try psql(
      "SELECT tablename FROM pg_tables WHERE schemaname = '\(store.namespace)' ORDER BY 1")
    XCTAssertEqual(
      tables,
      "_idemstream_applied_versions\n_idemstream_dedup_entries\n_idemstream_schemas\n"
        + "_idemstream_table_positions\nshop_sales_v2\nuser_stats_v1\n")
  }

  func testValuesPostgreSQLCannotHoldAreRefusedBeforeAnythingIsSent() throws {
    let store = try pgStore()
    for values: [OnlineValue] in [
      [.bigint(1), .null, .string("a\0b"), .null, .null],
      [.bigint(1), .null, .null, .null, .timestamp(.max)],
    ] {
      XCTAssertThrowsError(
        try apply(
          store,
          [
            user("ok", clicks: 1, at: 1, offset: 0),
            OnlineWrite(
              key: [.string("bad")], eventTime: 1, partition: 0, offset: 1, values: values),
          ])
      ) { error in
        guard case .unstorableValue = error as? PostgresOnlineStoreError else {
          return XCTFail("unexpected \(error)")
        }
        XCTAssertTrue((error as? PostgresOnlineStoreError)?.isPermanent ?? false)
      }
    }
    XCTAssertEqual(try store.count(group: "user_stats"), 0, "nothing of the refused batches")
  }

  /// A wrong password and a missing database are permanent, named for what they are; a
  /// server that does not answer is transient.
  func testFailuresAreSortedIntoPermanentAndTransient() throws {
    var location = try location()
    location.password = "wrong"
    XCTAssertThrowsError(try PostgresOnlineStore(location: location, namespace: "x", schemas: [])) {
      error in
      guard case .authenticationFailed(_, let message) = error as? PostgresOnlineStoreError else {
        return XCTFail("unexpected \(error)")
      }
      XCTAssertTrue(message.contains("password authentication failed"), message)
      XCTAssertTrue((error as? PostgresOnlineStoreError)?.isPermanent ?? false)
      XCTAssertFalse("\(error)".contains("wrong"), "the password is never shown: \(error)")
    }
    location = try self.location()
    location.database = "no_such_database"
    XCTAssertThrowsError(try PostgresOnlineStore(location: location, namespace: "x", schemas: [])) {
      error in
      guard case .missingDatabase = error as? PostgresOnlineStoreError else {
        return XCTFail("unexpected \(error)")
      }
      XCTAssertTrue("\(error)".contains("no_such_database"), "\(error)")
      XCTAssertTrue((error as? PostgresOnlineStoreError)?.isPermanent ?? false)
    }
    location = try self.location()
    location.port = try PostgresServer.freePort()
    XCTAssertThrowsError(try PostgresOnlineStore(location: location, namespace: "x", schemas: [])) {
      error in
      guard case .unreachable = error as? PostgresOnlineStoreError else {
        return XCTFail("unexpected \(error)")
      }
      XCTAssertFalse((error as? PostgresOnlineStoreError)?.isPermanent ?? true)
    }
  }

  /// The server restarted (`pg_ctl restart -m immediate`): the call that meets the broken
  /// connection fails as transient, the next one reconnects, and nothing committed is lost.
  func testAServerRestartIsTransientAndTheStoreReconnects() throws {
    let store = try pgStore()
    try apply(store, [user("u1", clicks: 1, at: 1, offset: 0)])
    try postgres().server.restartImmediately()
    do {
      try apply(store, [user("u2", clicks: 2, at: 2, offset: 1)])
    } catch let error as PostgresOnlineStoreError {
      XCTAssertFalse(error.isPermanent, "\(error)")
      try apply(store, [user("u2", clicks: 2, at: 2, offset: 1)])
    }
    XCTAssertEqual(try clicks(store, "u1"), 1)
    XCTAssertEqual(try clicks(store, "u2"), 2)
  }
}
