/// Why the online store refused an operation. Every case names what was wrong and, where it
/// helps, what to do about it.
public enum OnlineStoreError: Error, Sendable, Hashable {
  /// Another process (or another open store in this process) holds the data directory.
  case locked(path: String, holderPID: Int32?)
  case invalidSchema(group: String, reason: String)
  /// The database holds this group and version with another definition.
  case schemaMismatch(group: String, version: Int, stored: String, given: String)
  /// The batch or call names a group the store was not opened with.
  case unknownGroup(String)
  /// A write of a batch does not fit its group's schema; nothing was applied.
  case invalidWrite(group: String, index: Int, reason: String)
  /// A key given to a read or repair call does not fit the group's primary key.
  case invalidKey(group: String, reason: String)
  /// The dedup log is shorter than the length the database committed, or has a torn length.
  case dedupLogCorrupt(path: String, reason: String)
  /// A system call on a store file failed.
  case io(operation: String, path: String, errno: Int32)
  /// The store was opened read-only.
  case readOnly
  /// A read-only directory whose write-ahead log holds commits SQLite cannot read there:
  /// it needs the `-shm` file, which it cannot create.
  case unreadableLog(path: String)
  /// `close()` was called.
  case closed
}

extension OnlineStoreError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .locked(let path, let pid):
      let holder = pid.map { "process \($0)" } ?? "another process"
      return
        "the online store is in use: \(holder) holds the lock \(path); stop it or use another data_dir"
    case .invalidSchema(let group, let reason):
      return "invalid schema for feature group '\(group)': \(reason)"
    case .schemaMismatch(let group, let version, let stored, let given):
      return
        "feature group '\(group)' version \(version) is stored as [\(stored)] but configured as [\(given)]; bump the group's version to change its columns"
    case .unknownGroup(let group):
      return "unknown feature group '\(group)' (not in the online store's schemas)"
    case .invalidWrite(let group, let index, let reason):
      return "write #\(index) of feature group '\(group)' does not fit the schema: \(reason)"
    case .invalidKey(let group, let reason):
      return "invalid key for feature group '\(group)': \(reason)"
    case .dedupLogCorrupt(let path, let reason):
      return "dedup log \(path) is corrupt: \(reason)"
    case .io(let operation, let path, let code):
      return "\(operation) \(path) failed: \(systemErrorMessage(code)) (errno \(code))"
    case .readOnly:
      return "the online store was opened read-only"
    case .unreadableLog(let path):
      return
        "\(path) holds commits that cannot be read in a read-only directory (SQLite needs to "
        + "create online.db-shm beside it) — open the data dir writable once (any command "
        + "does), or copy it again after stopping the service"
    case .closed:
      return "the online store is closed"
    }
  }
}
