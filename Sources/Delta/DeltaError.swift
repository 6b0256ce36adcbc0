import Foundation

/// Everything that can go wrong reading or writing a Delta table.
///
/// Each case names the table location or log version involved, so that an operator can find the
/// file at fault; a damaged log is always reported, never read partially.
public enum DeltaError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No `_delta_log` with a commit was found at the location.
  case tableNotFound(path: String)
  /// `create` was asked for a location that already holds a table.
  case tableAlreadyExists(path: String)
  /// The requested version is not in the log (newer than the latest, or removed by cleanup).
  case versionNotFound(version: Int64, latest: Int64?)
  /// A commit file between the starting point (checkpoint or version 0) and the target is missing.
  case missingLogEntry(version: Int64)
  /// A commit file holds a line that is not a valid Delta action.
  case corruptLogEntry(version: Int64, line: Int, reason: String)
  /// A checkpoint named by `_last_checkpoint` or needed for replay is missing a part or unreadable.
  case corruptCheckpoint(version: Int64, reason: String)
  /// `_last_checkpoint` exists but cannot be parsed.
  case corruptLastCheckpoint(reason: String)
  /// The replayed log lacks a `protocol` or `metaData` action.
  case missingTableMetadata(version: Int64)
  /// The table needs reader or writer features this module does not implement.
  case unsupportedProtocol(minReaderVersion: Int32, minWriterVersion: Int32, features: [String])
  /// The schema string holds a type this module does not handle.
  case unsupportedType(field: String, type: String)
  /// The schema string is not a valid Spark JSON schema.
  case invalidSchema(reason: String)
  /// The time-travel timestamp is before the first commit still in the log.
  case timestampBeforeFirstCommit(requested: Date, first: Date)
  /// A concurrent commit set an app transaction this commit also sets: only one may win.
  case concurrentTransaction(appId: String, version: Int64)
  /// A concurrent commit removed a file this commit removes too.
  case concurrentDelete(path: String, version: Int64)
  /// A concurrent commit changed the table's metadata or protocol.
  case concurrentMetadataChange(version: Int64)
  /// Retries at the next version were exhausted.
  case tooManyConflicts(attempts: Int)
  /// A schema change would break existing data (only nullable columns may be added).
  case invalidSchemaChange(reason: String)
  /// A data batch does not match the table schema.
  case schemaMismatch(reason: String)
  /// A data file could not be read or written.
  case dataFile(path: String, reason: String)
  /// A file-system call failed.
  case io(path: String, reason: String)
  /// A vacuum was asked to keep less than the table promises its readers.
  case retentionTooShort(requested: TimeInterval, promised: TimeInterval)
  /// A table property does not parse.
  case badTableProperty(name: String, value: String, reason: String)

  public var description: String {
    switch self {
    case .tableNotFound(let path): return "no Delta table at \(path)"
    case .tableAlreadyExists(let path): return "a Delta table already exists at \(path)"
    case .versionNotFound(let version, let latest):
      return "version \(version) is not in the log (latest: \(latest.map(String.init) ?? "none"))"
    case .missingLogEntry(let version):
      return "the Delta log has no commit file for version \(version) (gap in the log)"
    case .corruptLogEntry(let version, let line, let reason):
      return "commit \(version), line \(line): \(reason)"
    case .corruptCheckpoint(let version, let reason):
      return "checkpoint \(version): \(reason)"
    case .corruptLastCheckpoint(let reason): return "_last_checkpoint: \(reason)"
    case .missingTableMetadata(let version):
      return "the log up to version \(version) has no protocol or metaData action"
    case .unsupportedProtocol(let reader, let writer, let features):
      return
        "unsupported protocol (reader \(reader), writer \(writer), features \(features.joined(separator: ",")))"
    case .unsupportedType(let field, let type): return "column \(field): unsupported type \(type)"
    case .invalidSchema(let reason): return "invalid schema: \(reason)"
    case .timestampBeforeFirstCommit(let requested, let first):
      return "\(requested) is before the first commit in the log (\(first))"
    case .concurrentTransaction(let appId, let version):
      return "commit \(version) by another writer already set app transaction \(appId)"
    case .concurrentDelete(let path, let version):
      return "commit \(version) by another writer already removed \(path)"
    case .concurrentMetadataChange(let version):
      return "commit \(version) by another writer changed the table metadata or protocol"
    case .tooManyConflicts(let attempts): return "gave up after \(attempts) conflicting attempts"
    case .invalidSchemaChange(let reason): return "invalid schema change: \(reason)"
    case .schemaMismatch(let reason): return "data does not match the table schema: \(reason)"
    case .dataFile(let path, let reason): return "data file \(path): \(reason)"
    case .io(let path, let reason): return "\(path): \(reason)"
    case .retentionTooShort(let requested, let promised):
      return
        "a retention of \(Int(requested)) s is shorter than the table's "
        + "delta.deletedFileRetentionDuration (\(Int(promised)) s): readers of versions in "
        + "between would lose files; retain at least that long, or lower the property first"
    case .badTableProperty(let name, let value, let reason):
      return "table property \(name) = '\(value)': \(reason)"
    }
  }
}
