import Delta
import Foundation
import Kafka
import OnlineStore

/// Compares the online store with the offline table: each entity's online row must equal its
/// greatest offline write (or be absent after a greatest tombstone), counting only offline
/// rows the online store has also taken (the stores agree: DESIGN.md).
public struct Verifier {
  public struct Difference: Sendable, Codable, Hashable {
    public var key: String
    public var online: String?
    public var offline: String?
  }

  public struct GroupReport: Sendable, Codable {
    public var group: String
    public var entities = 0
    public var missing = 0
    public var extra = 0
    public var differing = 0
    public var repaired = 0
    /// A few of each kind, to look at.
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
        let onlineLine = RowJSON.line(group: group, row: row)
        note(&report, "extra", Difference(key: keyText(row.key), online: onlineLine, offline: nil))
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
        note(
          &report, "differing",
          Difference(
            key: keyText(row.key), online: RowJSON.line(group: group, row: row),
            offline: RowJSON.line(group: group, row: expected)))
        fixes.append { try online.replaceEntity(group: group.name, row: expected) }
      }
    }
    for slot in 0..<latest.entityCount where !seen[slot] && !latest.isTombstone(slot) {
      report.missing += 1
      let expected = latest.onlineRow(of: slot)
      note(
        &report, "missing",
        Difference(
          key: keyText(expected.key), online: nil,
          offline: RowJSON.line(group: group, row: expected)))
      fixes.append { try online.replaceEntity(group: group.name, row: expected) }
    }
    if repair {
      for fix in fixes { try fix() }
      report.repaired = fixes.count
    }
    return report
  }

  private func note(_ report: inout GroupReport, _ kind: String, _ difference: Difference) {
    if report.examples[kind, default: []].count < exampleLimit {
      report.examples[kind, default: []].append(difference)
    }
  }

  private func keyText(_ key: [OnlineValue]) -> String {
    key.count == 1
      ? RowJSON.encode(key[0]) : "[" + key.map(RowJSON.encode).joined(separator: ",") + "]"
  }
}
