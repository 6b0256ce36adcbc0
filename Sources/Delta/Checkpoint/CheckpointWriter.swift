import Foundation
import Parquet

extension DeltaTable {
  /// Writes a checkpoint of the latest version now (regardless of the interval) and returns
  /// that version.
  @discardableResult
  public func checkpoint() throws -> Int64 {
    let state = try refresh()
    try writeCheckpoint(state)
    return state.version
  }

  /// Writes `state` as a classic single-file checkpoint, then points `_last_checkpoint` at it.
  ///
  /// The file appears whole or not at all (`TableStorage.writeFile`: on a local disk a
  /// temporary file renamed into place; a crash before the rename leaves a temporary file
  /// no reader lists).
  func writeCheckpoint(_ state: TableState) throws {
    let rows = checkpointRows(state)
    let name = LogFileName.checkpoint(state.version)
    let size = try log.storage.writeFile(DeltaLog.logKey(name), replacing: true) { path, sync in
      do {
        let writer = try ParquetWriter(
          path: path, schema: try ParquetSchema(CheckpointSchema.fields))
        try writer.write(rows: rows)
        return try writer.close(sync: sync).fileSize
      } catch {
        throw DeltaError.corruptCheckpoint(version: state.version, reason: "write failed: \(error)")
      }
    }
    let hint = LastCheckpoint(
      version: state.version, size: Int64(rows.count), parts: nil,
      sizeInBytes: size, numOfAddFiles: Int64(state.fileCount))
    if let existing = try? LastCheckpoint.read(log.storage),
      existing.version >= state.version
    {
      return
    }
    try hint.write(log.storage)
  }

  /// The checkpoint's rows: protocol, metadata, app transactions, live files and the
  /// tombstones still inside the retention window (`delta.deletedFileRetentionDuration`,
  /// default one week), which vacuum needs.
  private func checkpointRows(_ state: TableState) -> [[String: ParquetValue]] {
    var actions: [DeltaAction] = []
    if let tableProtocol = state.tableProtocol { actions.append(.tableProtocol(tableProtocol)) }
    if let metadata = state.metadata { actions.append(.metadata(metadata)) }
    for appId in state.transactions.keys.sorted() {
      actions.append(.transaction(state.transactions[appId]!))
    }
    actions += state.orderedFiles.map(DeltaAction.add)
    let horizon = Self.nowMilliseconds() - 7 * 24 * 3600 * 1000
    for path in state.tombstones.keys.sorted() {
      let tombstone = state.tombstones[path]!
      if (tombstone.deletionTimestamp ?? 0) >= horizon { actions.append(.remove(tombstone)) }
    }
    return actions.compactMap(CheckpointRows.row)
  }
}
