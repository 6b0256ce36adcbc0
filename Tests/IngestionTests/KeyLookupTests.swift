import Delta
import Foundation
import OnlineStore
import Parquet
import TestSupport
import XCTest

@testable import Ingestion

/// `KeyLookup`: a look-up of a few keys reads only the row groups whose statistics allow
/// them, and returns exactly the rows a scan of every row keeps.
final class KeyLookupTests: XCTestCase {
  private let group = FeatureGroup(
    name: "g", version: 1, primaryKey: ["id"],
    features: [Feature(name: "id", type: .string), Feature(name: "n", type: .bigint)])

  private struct Row: Equatable {
    var key: String
    var eventTime: Int64
    var offset: Int64
    var n: Int64?
  }

  private func columns(_ rows: [Row]) -> [ParquetColumnValues] {
    var buffer = OfflineRowBuffer(group: group)
    for row in rows {
      buffer.append(
        FeatureWrite(
          groupIndex: 0, groupName: "g", key: [.string(row.key)], eventTimeMicros: row.eventTime,
          operation: .upsert, values: [row.n.map { .bigint($0) } ?? .null],
          idempotencyKey: "\(row.key)-\(row.offset)", idempotencyKeyIsDerived: false,
          contentFingerprint: 0),
        topic: "t", partition: 0, offset: row.offset)
    }
    return buffer.columns()
  }

  /// 50 keys with 6 writes each, in key order (what optimize leaves) or shuffled.
  private func rows(sorted: Bool, seed: UInt64) -> [Row] {
    var generator = SplitMix64(seed: seed)
    var rows: [Row] = []
    for key in 0..<50 {
      for write in 0..<6 {
        rows.append(
          Row(
            key: String(format: "k%02d", key), eventTime: Int64(generator.next() % 1000),
            offset: Int64(key * 6 + write), n: write == 3 ? nil : Int64(generator.next() % 100)))
      }
    }
    if !sorted { rows.shuffle(using: &generator) }
    return rows
  }

  private func rows(of columns: [String: ParquetColumnValues]) -> [Row] {
    guard let keys = columns["id"], let times = columns["event_time"],
      let offsets = columns["_kafka_offset"], let values = columns["n"]
    else { return [] }
    return (0..<keys.count).map { row in
      Row(
        key: OfflineRowReader.string(keys, row) ?? "",
        eventTime: OfflineRowReader.int64(times, row) ?? -1,
        offset: OfflineRowReader.int64(offsets, row) ?? -1,
        n: OfflineRowReader.int64(values, row))
    }
  }

  func testOnlyRowGroupsThatCanHoldTheKeysAreDecodedAndEveryRowOfTheKeysIsReturned() throws {
    let directory = try TemporaryDirectory("idemstream-key-lookup")
    defer { directory.remove() }
    let table = try DeltaTable.create(
      at: directory.url, schema: OfflineTableLayout.schema(of: group),
      options: DeltaTable.Options(maxRowsPerRowGroup: 30))
    let sorted = rows(sorted: true, seed: 1)
    let shuffled = rows(sorted: false, seed: 2)
    try table.append(columns(sorted))
    try table.append(columns(shuffled))
    let snapshot = try table.snapshot()
    XCTAssertEqual(snapshot.files.count, 2)
    let names = snapshot.schema.fields.map(\.name)

    for wanted in [["k07"], ["k00", "k31", "k49"], ["k12", "k13"], ["zz-none"]] {
      var lookup = KeyLookup(keys: wanted.map { [.string($0)] }, group: group)
      for (file, source) in zip(snapshot.files, [sorted, shuffled]) {
        let found = try lookup.columns(of: file, table: table, snapshot: snapshot, names: names)
        let expected = source.filter { wanted.contains($0.key) }
        XCTAssertEqual(found.map(rows(of:)) ?? [], expected, "keys \(wanted)")
      }
      // The model: the sorted file's row groups are its rows in runs of 30; one is read
      // when its first-to-last key range holds a wanted key. Every row group of the
      // shuffled file spans nearly all keys, so it is read unless no key is in range.
      let sortedGroups = stride(from: 0, to: sorted.count, by: 30).filter { start in
        let run = sorted[start..<min(start + 30, sorted.count)]
        return wanted.contains { $0 >= run.first!.key && $0 <= run.last!.key }
      }.count
      let shuffledGroups = stride(from: 0, to: shuffled.count, by: 30).filter { start in
        let keys = shuffled[start..<min(start + 30, shuffled.count)].map(\.key)
        return wanted.contains { $0 >= keys.min()! && $0 <= keys.max()! }
      }.count
      XCTAssertEqual(lookup.rowGroupsDecoded, sortedGroups + shuffledGroups, "keys \(wanted)")
    }
    XCTAssertEqual(
      KeyLookup(keys: [[.string("k07")]], group: group).rowGroupsDecoded, 0,
      "nothing is read before a look-up")
  }

  func testTheLatestOfFewKeysEqualsTheLatestFromEveryRow() throws {
    let directory = try TemporaryDirectory("idemstream-key-lookup")
    defer { directory.remove() }
    let table = try DeltaTable.create(
      at: directory.url, schema: OfflineTableLayout.schema(of: group),
      options: DeltaTable.Options(maxRowsPerRowGroup: 17))
    try table.append(columns(rows(sorted: true, seed: 3)))
    try table.append(columns(rows(sorted: false, seed: 4)))
    let snapshot = try table.snapshot()
    let keys: [[OnlineValue]] = ["k03", "k20", "k21", "k44", "absent"].map { [.string($0)] }
    var few = try FeatureTimeline(group: group, table: table, snapshot: snapshot, only: keys)
    var all = try FeatureTimeline(group: group, table: table, snapshot: snapshot)
    XCTAssertEqual(few.rowCount, 4 * 12, "the writes of the four keys present, in both files")
    for key in keys {
      for time in [Int64(-1), 250, 500, 999, .max] {
        let expected = all.latest(key: key, atOrBefore: time).map { all.onlineRow(at: $0) }
        let found = few.latest(key: key, atOrBefore: time).map { few.onlineRow(at: $0) }
        XCTAssertEqual(found, expected, "\(key) at \(time)")
      }
    }
  }
}
