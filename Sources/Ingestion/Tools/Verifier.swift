import Delta
import Foundation
import Kafka
import OnlineStore

/// Compares the online store with the offline table: each entity's online row must equal its
/// greatest offline write (or be absent after a greatest tombstone), counting only offline
/// rows the online store has also taken (the stores agree: DESIGN.md).
public struct Verifier {
  /// One entity the stores disagree on: its key and its row in each store that has one,
  /// as JSON objects of their columns.
  public struct Difference: Sendable, Hashable, Encodable {
    public var key: RowObject
    public var online: RowObject?
    public var offline: RowObject?

    enum CodingKeys: String, CodingKey { case key, online, offline }

    /// The key as the text report prints it: a one-column key's value as JSON, else a JSON
    /// array of the values.
    public var keyText: String {
      key.values.count == 1
        ? RowJSON.encode(key.values[0])
        : "[" + key.values.map(RowJSON.encode).joined(separator: ",") + "]"
    }
  }

  public struct GroupReport: Sendable, Encodable {
    public var group: String
    public var entities = 0
    public var missing = 0
    public var extra = 0
    public var differing = 0
    public var repaired = 0
    /// The first `exampleLimit` of each kind (`missing`, `extra`, `differing`) in key order
    /// (`KeyOrder`), so that the same stores always show the same examples.
    public var examples: [String: [Difference]] = [:]
    public var agrees: Bool { missing == 0 && extra == 0 && differing == 0 }
  }

  let inspector: StoreInspector
  public var exampleLimit = 5

  public init(inspector: StoreInspector) { self.inspector = inspector }

  /// Verifies one group; with `repair`, rewrites the online store from the offline rows.
  public func verify(group name: String, repair: Bool, progress: ((Int) -> Void)? = nil) throws
    -> GroupReport
  {
    let group = try inspector.group(named: name)
    let table = try inspector.offlineTable(group.tableName)
    let snapshot = try table.snapshot()
    let held = HeldOffsets(try inspector.onlinePositions(table: group.tableName))
    let files = try snapshot.files.map {
      try OfflineFileColumns.read($0, of: table, snapshot: snapshot, group: group)
    }
    var latest = LatestOfflineWrites(files: files, held: held, progress: progress)
    var report = GroupReport(group: group.name)
    var seen = [Bool](repeating: false, count: latest.entityCount)
    var cursor = inspector.online.dump(group: group.name)
    var fixes: [() throws -> Void] = []
    let online = inspector.online
    while let row = try cursor.next() {
      report.entities += 1
      let slot = latest.slot(for: row.key)
      let known = slot < latest.entityCount
      if known { seen[slot] = true }
      guard known, !latest.isTombstone(slot) else {
        report.extra += 1
        note(&report, "extra", group: group, key: row.key, online: row, offline: nil)
        let tombstone = known ? latest.order(of: slot) : nil
        fixes.append {
          try online.deleteEntity(group: group.name, key: row.key, tombstoneAt: tombstone)
        }
        continue
      }
      let expected = latest.onlineRow(of: slot)
      // The whole write, its order (event time, partition, offset) included: a row with the
      // right values but a wrong order would pass here and later make a newer write stale.
      if expected.order != row.order || expected.values != row.values {
        report.differing += 1
        note(&report, "differing", group: group, key: row.key, online: row, offline: expected)
        fixes.append { try online.replaceEntity(group: group.name, row: expected) }
      }
    }
    for slot in 0..<latest.entityCount where !seen[slot] && !latest.isTombstone(slot) {
      report.missing += 1
      let expected = latest.onlineRow(of: slot)
      note(&report, "missing", group: group, key: expected.key, online: nil, offline: expected)
      fixes.append { try online.replaceEntity(group: group.name, row: expected) }
    }
    if repair {
      for fix in fixes { try fix() }
      report.repaired = fixes.count
    }
    return report
  }

  /// Keeps the difference when its key is among the `exampleLimit` smallest of its kind so
  /// far; the rows are turned into objects only then.
  private func note(
    _ report: inout GroupReport, _ kind: String, group: FeatureGroup, key: [OnlineValue],
    online: OnlineRow?, offline: OnlineRow?
  ) {
    var kept = report.examples[kind, default: []]
    if kept.count >= exampleLimit, let last = kept.last,
      !KeyOrder.precedes(key, last.key.values)
    {
      return
    }
    let index = kept.firstIndex { KeyOrder.precedes(key, $0.key.values) } ?? kept.count
    kept.insert(
      Difference(
        key: RowJSON.keyObject(group: group, key: key),
        online: online.map { RowJSON.object(group: group, row: $0) },
        offline: offline.map { RowJSON.object(group: group, row: $0) }), at: index)
    if kept.count > exampleLimit { kept.removeLast() }
    report.examples[kind] = kept
  }
}
