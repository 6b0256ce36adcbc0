import Delta
import Foundation
import Kafka
import OnlineStore
import Parquet
import XCTest

@testable import Ingestion

/// `verify`'s view of the offline table: which row is each entity's greatest among those the
/// online store holds, and how the report names what differs.
final class LatestOfflineWritesTests: XCTestCase {
  private let group = FeatureGroup(
    name: "g", version: 1, primaryKey: ["id"],
    features: [Feature(name: "id", type: .string), Feature(name: "n", type: .bigint)])

  private struct Row {
    var key: String
    var eventTime: Int64
    var partition: Int32
    var offset: Int64
    var n: Int64?
    var delete = false
  }

  private func columns(_ rows: [Row], topic: String = "t") -> [ParquetColumnValues] {
    var buffer = OfflineRowBuffer(group: group)
    for row in rows {
      buffer.append(
        FeatureWrite(
          groupIndex: 0, groupName: "g", key: [.string(row.key)], eventTimeMicros: row.eventTime,
          operation: row.delete ? .delete : .upsert, values: [row.n.map { .bigint($0) } ?? .null],
          idempotencyKey: "\(row.key)-\(row.partition)-\(row.offset)",
          idempotencyKeyIsDerived: false, contentFingerprint: 0),
        topic: topic, partition: row.partition, offset: row.offset)
    }
    return buffer.columns()
  }

  private func file(_ rows: [Row], topic: String = "t") throws -> OfflineFileColumns {
    let names = OfflineTableLayout.schema(of: group).fields.map(\.name)
    return try OfflineFileColumns(
      group: group,
      columns: Dictionary(uniqueKeysWithValues: zip(names, columns(rows, topic: topic))))
  }

  func testGreatestHeldRowWinsByEventTimeThenPartitionThenOffset() throws {
    let first = try file([
      Row(key: "a", eventTime: 10, partition: 0, offset: 0, n: 1),
      Row(key: "b", eventTime: 20, partition: 0, offset: 1, n: 2, delete: true),
      Row(key: "b", eventTime: 5, partition: 0, offset: 2, n: 3),
      // Past the held offset of partition 0: the online store has not taken it yet.
      Row(key: "a", eventTime: 99, partition: 0, offset: 3, n: 4),
      Row(key: "late", eventTime: 1, partition: 0, offset: 4, n: 5),
    ])
    let second = try file([
      Row(key: "a", eventTime: 10, partition: 1, offset: 0, n: 6),
      Row(key: "a", eventTime: 10, partition: 1, offset: 1, n: 7),
      Row(key: "a", eventTime: 10, partition: 0, offset: 2, n: 8),
    ])
    // A topic the store holds nothing of counts for nothing.
    let unheld = try file([Row(key: "c", eventTime: 1, partition: 0, offset: 0, n: 9)], topic: "u")
    var scanned: [Int] = []
    var latest = LatestOfflineWrites(
      files: [first, second, unheld],
      held: HeldOffsets([TopicPartition("t", 0): 2, TopicPartition("t", 1): 1]),
      progress: { scanned.append($0) })
    XCTAssertEqual(scanned, [5, 8, 9])
    XCTAssertEqual(latest.entityCount, 2)

    let a = latest.slot(for: [.string("a")])
    XCTAssertFalse(latest.isTombstone(a))
    XCTAssertEqual(latest.order(of: a), OnlineWriteOrder(eventTime: 10, partition: 1, offset: 1))
    XCTAssertEqual(
      latest.onlineRow(of: a),
      OnlineRow(key: [.string("a")], eventTime: 10, partition: 1, offset: 1, values: [.bigint(7)]))

    let b = latest.slot(for: [.string("b")])
    XCTAssertTrue(latest.isTombstone(b), "the delete has the greater event time")
    XCTAssertEqual(latest.order(of: b), OnlineWriteOrder(eventTime: 20, partition: 0, offset: 1))

    XCTAssertGreaterThanOrEqual(latest.slot(for: [.string("late")]), latest.entityCount)
    XCTAssertGreaterThanOrEqual(latest.slot(for: [.string("c")]), latest.entityCount)
  }

  /// SQLite compares key bytes, so a precomposed "é" and "e" + combining accent are two
  /// entities, although Swift's `==` calls the strings equal.
  func testKeysAreTheSameEntityOnlyWhenTheirBytesAre() throws {
    let rows = try file([
      Row(key: "\u{E9}", eventTime: 1, partition: 0, offset: 0, n: 1),
      Row(key: "e\u{301}", eventTime: 2, partition: 0, offset: 1, n: 2),
    ])
    var latest = LatestOfflineWrites(files: [rows], held: HeldOffsets([TopicPartition("t", 0): 1]))
    XCTAssertEqual(latest.entityCount, 2)
    XCTAssertEqual(latest.onlineRow(of: latest.slot(for: [.string("\u{E9}")])).values, [.bigint(1)])
    XCTAssertEqual(
      latest.onlineRow(of: latest.slot(for: [.string("e\u{301}")])).values, [.bigint(2)])
  }

  /// The whole `verify` over real stores: an entity whose greatest write is a delete must be
  /// absent online, rows past the held position are not expected, and each kind of
  /// difference is named; `repair` brings the stores back into agreement.
  func testVerifierNamesMissingExtraAndDifferingEntitiesAndRepairs() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "idemstream-verify-\(UUID())")
    defer { try? FileManager.default.removeItem(at: directory) }
    let config = try IdemstreamConfig.parse(
      yaml: """
        kafka:
          topics: [t]
          group_id: verify-test
        data_dir: \(directory.path)
        feature_groups:
          - name: g
            version: 1
            primary_key: [id]
            features:
              id: string
              n: bigint
        """)
    try FileManager.default.createDirectory(
      at: directory.appendingPathComponent("offline"), withIntermediateDirectories: true)
    let table = try DeltaTable.create(
      at: directory.appendingPathComponent("offline/g_v1"),
      schema: OfflineTableLayout.schema(of: group))
    try table.append(
      columns([
        Row(key: "a", eventTime: 10, partition: 0, offset: 0, n: 1),
        Row(key: "b", eventTime: 10, partition: 0, offset: 1, n: 2),
        Row(key: "c", eventTime: 10, partition: 0, offset: 2, n: 3),
        Row(key: "d", eventTime: 20, partition: 0, offset: 3, delete: true),
        Row(key: "d", eventTime: 5, partition: 0, offset: 4, n: 4),
        Row(key: "e", eventTime: 10, partition: 0, offset: 5, n: 5),
      ]))
    let store = try SQLiteOnlineStore(
      dataDirectory: directory.path, schemas: config.featureGroups.map(\.onlineSchema))
    func upsert(_ key: String, _ n: Int64, offset: Int64) -> OnlineWrite {
      OnlineWrite(
        key: [.string(key)], eventTime: 10, partition: 0, offset: offset, values: [.bigint(n)])
    }
    _ = try store.apply(
      OnlineBatch(
        writes: [
          "g": [
            upsert("a", 1, offset: 0), upsert("b", 2, offset: 1), upsert("c", 3, offset: 2),
            OnlineWrite(
              key: [.string("d")], eventTime: 20, partition: 0, offset: 3, operation: .delete,
              values: []),
          ]
        ],
        positions: [PartitionPosition(table: "g_v1", topic: "t", partition: 0, offset: 4)]))

    let verifier = Verifier(inspector: try StoreInspector(config: config))
    let clean = try verifier.verify(group: "g", repair: false)
    XCTAssertTrue(clean.agrees, "e is past the held offset 4, d's delete outranks its upsert")
    XCTAssertEqual(clean.entities, 3)

    try store.replaceEntity(
      group: "g",
      row: OnlineRow(
        key: [.string("b")], eventTime: 10, partition: 0, offset: 1, values: [.bigint(99)]))
    try store.deleteEntity(group: "g", key: [.string("c")])
    try store.replaceEntity(
      group: "g",
      row: OnlineRow(
        key: [.string("d")], eventTime: 5, partition: 0, offset: 4, values: [.bigint(4)]))
    store.close()

    let broken = try verifier.verify(group: "g", repair: false)
    XCTAssertEqual([broken.missing, broken.extra, broken.differing], [1, 1, 1])
    XCTAssertEqual(broken.examples["missing"]?.map(\.keyText), ["\"c\""])
    XCTAssertEqual(broken.examples["extra"]?.map(\.keyText), ["\"d\""])
    XCTAssertEqual(broken.examples["differing"]?.map(\.keyText), ["\"b\""])
    XCTAssertEqual(
      broken.examples["differing"]?.first?.offline?.text,
      #"{"id":"b","event_time":"1970-01-01T00:00:00.000010Z","n":2}"#)

    let repaired = try Verifier(inspector: try StoreInspector(config: config, forRepair: true))
      .verify(group: "g", repair: true)
    XCTAssertEqual(repaired.repaired, 3)
    XCTAssertTrue(try verifier.verify(group: "g", repair: false).agrees)
  }
}
