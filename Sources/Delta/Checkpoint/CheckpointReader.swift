import Foundation
import Parquet

/// Reads the actions of a classic checkpoint (single file or every part of a multi-part one).
/// A part that is missing or unreadable fails the whole read: replay never starts from a
/// partial checkpoint.
enum CheckpointReader {
  static func read(_ storage: any TableStorage, fileNames: [String], version: Int64) throws
    -> [DeltaAction]
  {
    var actions: [DeltaAction] = []
    for name in fileNames {
      let rows: [[String: ParquetValue]]
      do {
        rows = try ParquetReader(source: try storage.byteSource(DeltaLog.logKey(name))).readRows()
      } catch {
        throw DeltaError.corruptCheckpoint(version: version, reason: "\(name): \(error)")
      }
      for row in rows {
        if let action = try CheckpointRows.action(row, version: version) { actions.append(action) }
      }
    }
    return actions
  }
}
