import Foundation
import TestSupport
import XCTest

@testable import OnlineStore
@testable import PostgresOnlineStore

/// Shared helpers: a throwaway data directory per test, a few schemas and write builders.
class OnlineStoreTestCase: XCTestCase {
  var dataDirectory: TemporaryDirectory!

  override func setUpWithError() throws {
    dataDirectory = try TemporaryDirectory("online-store-test")
  }

  override func tearDown() {
    dataDirectory?.remove()
  }

  /// user_stats keyed by user_id (string), with every feature type.
  static let userStats = OnlineTableSchema(
    group: "user_stats", version: 1, primaryKey: ["user_id"],
    features: [
      ("user_id", .string), ("clicks", .bigint), ("spend", .double), ("country", .string),
      ("active", .boolean), ("last_seen", .timestamp),
    ])

  /// A composite key declared out of feature order: (region, shop_id).
  static let shopSales = OnlineTableSchema(
    group: "shop_sales", version: 2, primaryKey: ["region", "shop_id"],
    features: [("shop_id", .bigint), ("revenue", .double), ("region", .string), ("open", .boolean)])

  /// The embedded store, for the tests of what only it has (files, WAL, the lock).
  func openSQLiteStore(
    _ schemas: [OnlineTableSchema] = [userStats, shopSales], at path: String? = nil,
    access: SQLiteOnlineStore.Access = .readWrite
  ) throws -> SQLiteOnlineStore {
    try SQLiteOnlineStore(
      dataDirectory: path ?? dataDirectory.path, schemas: schemas, access: access)
  }

  /// An upsert of user_stats with `clicks` as the telling feature.
  func user(
    _ id: String, clicks: Int64, at eventTime: Int64, partition: Int32 = 0, offset: Int64
  ) -> OnlineWrite {
    OnlineWrite(
      key: [.string(id)], eventTime: eventTime, partition: partition, offset: offset,
      values: [.bigint(clicks), .double(1.5), .string("SE"), .boolean(true), .timestamp(eventTime)])
  }

  func userDelete(_ id: String, at eventTime: Int64, partition: Int32 = 0, offset: Int64)
    -> OnlineWrite
  {
    OnlineWrite(
      key: [.string(id)], eventTime: eventTime, partition: partition, offset: offset,
      operation: .delete,
      values: [])
  }

  func clicks(_ store: any OnlineStore, _ id: String) throws -> Int64? {
    guard let row = try store.get(group: "user_stats", key: [.string(id)]) else { return nil }
    guard case .bigint(let clicks) = row.values[0] else {
      XCTFail("clicks is \(row.values[0])")
      return nil
    }
    return clicks
  }

  @discardableResult
  func apply(_ store: any OnlineStore, _ writes: [OnlineWrite], group: String = "user_stats")
    throws
    -> OnlineGroupCounts
  {
    try store.apply(OnlineBatch(writes: [group: writes]))[group]
  }

  func dedupEntry(_ seed: UInt64, partition: Int32 = 0, offset: Int64? = nil) -> DedupEntryRecord {
    DedupEntryRecord(
      keyHash: DedupKeyHash(high: seed &* 0x9E37_79B9_7F4A_7C15, low: ~seed),
      fingerprint: seed ^ 0xABCD,
      partition: partition, offset: offset ?? Int64(seed),
      clockMillis: 1_700_000_000_000 + Int64(seed), tableTag: UInt16(truncatingIfNeeded: seed | 1))
  }

  /// Copies the store's files as they are on disk now (database, WAL, dedup logs) into a new
  /// data directory: what a `kill -9` at this moment would leave behind. The shared-memory
  /// index and the lock are left out, as a crashed process's would be stale.
  func crashSnapshot(of store: SQLiteOnlineStore) throws -> String {
    let target = dataDirectory.path + "/crash-\(UUID().uuidString)"
    let online = target + "/online"
    try FileManager.default.createDirectory(atPath: online, withIntermediateDirectories: true)
    for name in try FileManager.default.contentsOfDirectory(atPath: store.directory)
    where !name.hasSuffix("-shm") && !name.hasSuffix(".lock") {
      try FileManager.default.copyItem(
        atPath: store.directory + "/" + name, toPath: online + "/" + name)
    }
    return target
  }

  func fileSize(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
  }
}

/// The base of the tests that are about behaviour rather than storage: each runs against
/// the embedded store, and again against a real PostgreSQL server in a subclass that says
/// `backend` is `.postgres` (`PostgresContract.swift`). `openStore(at:)` names a store: a
/// data directory for SQLite, a schema of its own (as a `kafka.group_id` would) in the
/// class's database for PostgreSQL.
class OnlineStoreContractTestCase: OnlineStoreTestCase {
  enum Backend {
    case sqlite
    case postgres
  }

  class var backend: Backend { .sqlite }
  var backend: Backend { Self.backend }

  /// Per test class run against PostgreSQL: its server and database.
  nonisolated(unsafe) private static var servers: [ObjectIdentifier: (PostgresServer, String)] =
    [:]
  nonisolated(unsafe) private static var serverFailures: [ObjectIdentifier: String] = [:]
  private var namespaces: [String: String] = [:]

  override class func setUp() {
    super.setUp()
    guard backend == .postgres else { return }
    do {
      let server = try PostgresServer()
      servers[ObjectIdentifier(self)] = (server, try server.createDatabase("contract"))
    } catch {
      serverFailures[ObjectIdentifier(self)] = "\(error)"
    }
  }

  override class func tearDown() {
    servers.removeValue(forKey: ObjectIdentifier(self))?.0.stop()
    super.tearDown()
  }

  /// The class's PostgreSQL server and database (a failure to start fails the test).
  func postgres() throws -> (server: PostgresServer, database: String) {
    if let failure = Self.serverFailures[ObjectIdentifier(Self.self)] {
      throw PostgresServer.Failure(description: "PostgreSQL did not start: \(failure)")
    }
    guard let (server, database) = Self.servers[ObjectIdentifier(Self.self)] else {
      throw PostgresServer.Failure(description: "no PostgreSQL server for \(Self.self)")
    }
    return (server, database)
  }

  /// The PostgreSQL schema a path stands for in this test.
  func namespace(for path: String? = nil) -> String {
    let path = path ?? dataDirectory.path
    if let known = namespaces[path] { return known }
    let name = "t\(UInt32.random(in: 0...UInt32.max))_\(namespaces.count)"
    namespaces[path] = name
    return name
  }

  func location() throws -> PostgresLocation {
    let (server, database) = try postgres()
    return PostgresLocation(
      host: server.host, port: server.port, user: server.user, password: server.password,
      database: database)
  }

  func openStore(
    _ schemas: [OnlineTableSchema] = [userStats, shopSales], at path: String? = nil,
    access: OnlineStoreAccess = .readWrite
  ) throws -> any OnlineStore {
    switch backend {
    case .sqlite:
      return try openSQLiteStore(schemas, at: path, access: access)
    case .postgres:
      return try PostgresOnlineStore(
        location: try location(), namespace: namespace(for: path), schemas: schemas,
        access: access)
    }
  }

  /// psql's answer to `sql` in the class's database.
  @discardableResult
  func psql(_ sql: String) throws -> String {
    let (server, database) = try postgres()
    return try server.psql(sql, database: database)
  }
}

/// The error a test expects from the fault-injection hook.
struct InjectedFault: Error {}
