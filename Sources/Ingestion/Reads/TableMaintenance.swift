import Delta
import Foundation
import Parquet

/// The upkeep of the offline tables (`maintenance`).
///
/// `optimize` rewrites a group table's small files into few large ones sorted by
/// primary key, then write order, in one commit of removes and adds with `dataChange: false`
/// (readers and replication see no new data; time travel to earlier versions still reads
/// the old files until a vacuum outside their retention).
///
/// Sorted, not only merged: a key look-up skips a file whose key statistics cannot hold the
/// key, and only files with narrow, disjoint key ranges can be skipped. Files of the ingest
/// cover every key, so merging them without sorting would leave every look-up reading all
/// of them. Safe beside a running ingest: its appends commit on top (the log's optimistic
/// concurrency retries the optimize at the next version); only a concurrent remove of one
/// of these files is a conflict, and then nothing is committed.
public struct TableMaintenance {
  public struct OptimizeSummary: Sendable {
    public var table: String
    /// nil: nothing worth rewriting (fewer than two small files).
    public var version: Int64?
    public var filesRemoved = 0
    public var filesAdded = 0
    public var rows = 0
  }

  let inspector: StoreInspector

  public init(inspector: StoreInspector) { self.inspector = inspector }

  /// Rewrites `group`'s files smaller than `targetBytes` into files of about `targetBytes`.
  public func optimize(group name: String, targetBytes: Int64 = 128 << 20) throws
    -> OptimizeSummary
  {
    let group = try inspector.group(named: name)
    let table = try inspector.offlineTable(group.tableName)
    let snapshot = try table.snapshot()
    var summary = OptimizeSummary(table: group.tableName)
    let small = snapshot.files.filter { $0.size < targetBytes }
    guard small.count >= 2 else { return summary }
    let batches = try table.read(snapshot: snapshot, files: small)
    let names = snapshot.schema.fields.map(\.name)
    let sortColumns = (group.primaryKey + ["event_time", "_kafka_partition", "_kafka_offset"])
      .compactMap { names.firstIndex(of: $0) }
    var rows: [(batch: Int, row: Int)] = []
    for (index, batch) in batches.enumerated() {
      rows += (0..<batch.rowCount).map { (index, $0) }
    }
    ColumnOrder.sort(&rows, by: sortColumns.map { column in batches.map { $0.columns[column] } })
    // Rows per output file from the inputs' bytes per row: compressed sizes change little
    // when the same rows are rewritten together.
    let inputBytes = small.reduce(Int64(0)) { $0 + $1.size }
    let bytesPerRow = max(1, inputBytes / Int64(max(1, rows.count)))
    let rowsPerFile = max(1, Int(targetBytes / bytesPerRow))
    var actions: [DeltaAction] = []
    var start = 0
    while start < rows.count {
      let part = Array(rows[start..<min(rows.count, start + rowsPerFile)])
      let columns = names.indices.map { column in
        ColumnOrder.gather(batches.map { $0.columns[column] }, part)
      }
      actions.append(.add(try table.writeDataFile(columns, dataChange: false)))
      start += rowsPerFile
    }
    let now = Int64(Date().timeIntervalSince1970 * 1000)
    actions += small.map { .remove(RemoveFile(removing: $0, at: now, dataChange: false)) }
    summary.version = try table.commit(
      actions: actions, operation: "OPTIMIZE",
      operationParameters: [
        "targetSize": .integer(targetBytes), "zOrderBy": .string("[]"),
        "sortedBy": .string(group.primaryKey.joined(separator: ",")),
      ])
    summary.filesRemoved = small.count
    summary.filesAdded = actions.count - small.count
    summary.rows = rows.count
    return summary
  }

  /// What a vacuum did to one table.
  public struct VacuumSummary: Sendable {
    public var table: String
    public var dataFilesDeleted: Int
    public var logFilesDeleted: Int
    public var oldestReadableVersion: Int64?
  }

  /// `maintenance vacuum`: `group`'s table, or every table under the data dir's `offline/`
  /// (earlier group versions and the dead letters included), by `DeltaTable.vacuum`'s rules.
  public func vacuum(retain: TimeInterval, group: String? = nil) throws -> [VacuumSummary] {
    let offline = OfflineStorage(inspector.config)
    let names = try group.map { [try inspector.group(named: $0).tableName] } ?? offline.tableNames()
    return try names.sorted().compactMap { name in
      let storage = try offline.table(name)
      guard try DeltaTable.exists(in: storage) else { return nil }
      let report = try DeltaTable.open(in: storage).vacuum(retain: retain)
      return VacuumSummary(
        table: name, dataFilesDeleted: report.dataFiles.count,
        logFilesDeleted: report.logFiles.count,
        oldestReadableVersion: report.oldestReadableVersion)
    }
  }
}
