import XCTest

@testable import OnlineStore

/// Types, schemas and identifiers against every backend (`PostgresColumnTypesAndSchemaTests`).
class ColumnTypesAndSchemaTests: OnlineStoreContractTestCase {
  func testEveryColumnTypeRoundTripsIncludingNullAndNonASCII() throws {
    let store = try openStore()
    let common: [(String, [OnlineValue])] = [
      (
        "ascii",
        [
          .bigint(42), .double(3.25), .string("SE"), .boolean(true),
          .timestamp(1_700_000_000_123_456),
        ]
      ),
      (
        "Grüße 東京 🚀",
        [.bigint(.min), .double(-0.5e-300), .string("Ελλάδα 🇬🇷"), .boolean(false), .timestamp(-1)]
      ),
      ("nulls", [.null, .null, .null, .null, .null]),
      ("", [.bigint(.max), .double(.infinity), .string(""), .boolean(true), .timestamp(0)]),
    ]
    // PostgreSQL text holds no U+0000 and its timestamps end in 294276 AD (the pipeline's
    // end in 9999): there the same row carries what it can, and the rest is refused
    // (`PostgresStoreTests.testValuesPostgreSQLCannotHoldAreRefusedBeforeAnythingIsSent`).
    let edge: (String, [OnlineValue]) =
      backend == .sqlite
      ? (
        "quote\"and'\0nul",
        [.bigint(0), .double(-.infinity), .string("a\0b"), .null, .timestamp(.max)]
      )
      : (
        "quote\"and'nul",
        [.bigint(0), .double(-.infinity), .string("a b"), .null, .timestamp(9_224_318_015_999_999)]
      )
    let rows = common + [edge]
    var writes: [OnlineWrite] = []
    for (offset, row) in rows.enumerated() {
      writes.append(
        OnlineWrite(
          key: [.string(row.0)], eventTime: 100, partition: 3, offset: Int64(offset), values: row.1)
      )
    }
    XCTAssertEqual(try apply(store, writes).applied, rows.count)
    for (offset, row) in rows.enumerated() {
      let stored = try XCTUnwrap(try store.get(group: "user_stats", key: [.string(row.0)]), row.0)
      XCTAssertEqual(stored.values, row.1, row.0)
      XCTAssertEqual(stored.key, [.string(row.0)])
      XCTAssertEqual(
        stored.order, OnlineWriteOrder(eventTime: 100, partition: 3, offset: Int64(offset)))
    }
    // Values survive a reopen (they are read from disk, not from a cache).
    store.close()
    let reopened = try openStore()
    XCTAssertEqual(
      try reopened.get(group: "user_stats", key: [.string("Grüße 東京 🚀")])?.values, rows[1].1)
    XCTAssertEqual(try reopened.count(group: "user_stats"), rows.count)
  }

  func testKeysOfEveryTypeAndAMissingFeatureOfADelete() throws {
    let schema = OnlineTableSchema(
      group: "typed_keys", version: 1, primaryKey: ["k_int", "k_double", "k_bool", "k_time"],
      features: [
        ("k_int", .bigint), ("k_double", .double), ("k_bool", .boolean), ("k_time", .timestamp),
        ("v", .string),
      ])
    let store = try openStore([schema])
    let key: [OnlineValue] = [.bigint(-7), .double(2.5), .boolean(false), .timestamp(123)]
    try apply(
      store, [OnlineWrite(key: key, eventTime: 1, partition: 0, offset: 0, values: [.string("x")])],
      group: "typed_keys")
    XCTAssertEqual(try store.get(group: "typed_keys", key: key)?.values, [.string("x")])
    // A delete may carry no values.
    try apply(
      store,
      [
        OnlineWrite(key: key, eventTime: 2, partition: 0, offset: 1, operation: .delete, values: [])
      ], group: "typed_keys")
    XCTAssertNil(try store.get(group: "typed_keys", key: key))
  }

  func testInvalidWritesFailTheWholeBatchWithATypedError() throws {
    let store = try openStore()
    let good = user("u1", clicks: 1, at: 1, offset: 0)
    let cases: [(OnlineWrite, String)] = [
      (
        OnlineWrite(key: [.bigint(1)], eventTime: 1, partition: 0, offset: 1, values: good.values),
        "user_id"
      ),
      (
        OnlineWrite(key: [.null], eventTime: 1, partition: 0, offset: 1, values: good.values),
        "null"
      ),
      (
        OnlineWrite(
          key: [.string("a"), .string("b")], eventTime: 1, partition: 0, offset: 1,
          values: good.values), "expected 1"
      ),
      (
        OnlineWrite(
          key: [.string("a")], eventTime: 1, partition: 0, offset: 1, values: [.bigint(1)]),
        "expected 5"
      ),
      (
        OnlineWrite(
          key: [.string("a")], eventTime: 1, partition: 0, offset: 1,
          values: [.string("1"), .null, .null, .null, .null]), "clicks"
      ),
    ]
    for (bad, mention) in cases {
      XCTAssertThrowsError(try apply(store, [good, bad])) { error in
        guard case .invalidWrite(let group, let index, let reason) = error as? OnlineStoreError
        else {
          return XCTFail("unexpected \(error)")
        }
        XCTAssertEqual(group, "user_stats")
        XCTAssertEqual(index, 1)
        XCTAssertTrue(reason.contains(mention), reason)
      }
    }
    let nanKey = OnlineTableSchema(
      group: "d", version: 1, primaryKey: ["k"], features: [("k", .double)])
    let nanStore = try openStore([nanKey], at: dataDirectory.path + "/nan")
    XCTAssertThrowsError(
      try apply(
        nanStore,
        [OnlineWrite(key: [.double(.nan)], eventTime: 1, partition: 0, offset: 0, values: [])],
        group: "d"))
    // Nothing of the refused batches was applied.
    XCTAssertNil(try store.get(group: "user_stats", key: [.string("u1")]))
    XCTAssertThrowsError(try store.apply(OnlineBatch(writes: ["nope": [good]]))) { error in
      XCTAssertEqual(error as? OnlineStoreError, .unknownGroup("nope"))
    }
    XCTAssertThrowsError(try store.get(group: "user_stats", key: [.bigint(3)])) { error in
      guard case .invalidKey = error as? OnlineStoreError else {
        return XCTFail("unexpected \(error)")
      }
    }
  }

  func testInvalidSchemasAreRefused() throws {
    let invalid: [(OnlineTableSchema, String)] = [
      (
        OnlineTableSchema(
          group: "g", version: 1, primaryKey: ["id"], features: [("name", .string)]),
        "not among the features"
      ),
      (
        OnlineTableSchema(group: "g", version: 1, primaryKey: [], features: [("id", .string)]),
        "at least one"
      ),
      (
        OnlineTableSchema(
          group: "g", version: 1, primaryKey: ["id"], features: [("id", .string), ("ID", .bigint)]),
        "twice"
      ),
      (
        OnlineTableSchema(
          group: "g", version: 1, primaryKey: ["id"],
          features: [("id", .string), ("event_time", .bigint)]), "reserved"
      ),
      (
        OnlineTableSchema(group: "", version: 1, primaryKey: ["id"], features: [("id", .string)]),
        "non-empty"
      ),
      (
        OnlineTableSchema(
          group: "sqlite_x", version: 1, primaryKey: ["id"], features: [("id", .string)]), "sqlite_"
      ),
    ]
    for (schema, mention) in invalid {
      XCTAssertThrowsError(try openStore([schema])) { error in
        guard case .invalidSchema(_, let reason) = error as? OnlineStoreError else {
          return XCTFail("unexpected \(error)")
        }
        XCTAssertTrue(reason.contains(mention), "\(reason) should mention \(mention)")
      }
    }
    XCTAssertThrowsError(try openStore([Self.userStats, Self.userStats]))
  }

  func testQuotedIdentifiersWork() throws {
    let schema = OnlineTableSchema(
      group: "odd \"group\"; DROP", version: 3, primaryKey: ["the \"key\""],
      features: [("the \"key\"", .string), ("select", .bigint), ("värde", .string)])
    let store = try openStore([schema])
    try apply(
      store,
      [
        OnlineWrite(
          key: [.string("k")], eventTime: 1, partition: 0, offset: 0,
          values: [.bigint(1), .string("ö")])
      ],
      group: schema.group)
    XCTAssertEqual(
      try store.get(group: schema.group, key: [.string("k")])?.values, [.bigint(1), .string("ö")])
  }

  func testReopeningWithAChangedDefinitionIsRefusedAndANewVersionGetsANewTable() throws {
    var store = try openStore()
    try apply(store, [user("u1", clicks: 1, at: 1, offset: 0)])
    store.close()
    var changed = Self.userStats
    changed.features[1].type = .double
    XCTAssertThrowsError(try openStore([changed])) { error in
      guard case .schemaMismatch(let group, let version, _, _) = error as? OnlineStoreError else {
        return XCTFail("unexpected \(error)")
      }
      XCTAssertEqual(group, "user_stats")
      XCTAssertEqual(version, 1)
    }
    changed.version = 2
    store = try openStore([changed])
    XCTAssertEqual(try store.count(group: "user_stats"), 0)
    store.close()
    store = try openStore()
    XCTAssertEqual(try clicks(store, "u1"), 1)
  }
}
