import Foundation

/// What `_delta_log` holds: which commit versions and which complete checkpoints.
///
/// The listing reads directory entries only (no stat per file), so opening a table with ten
/// thousand commits stays cheap.
struct LogListing {
  /// A checkpoint with the names of all its files, in part order.
  struct Checkpoint: Equatable {
    var version: Int64
    var fileNames: [String]
  }

  /// Commit versions present, ascending.
  var commitVersions: [Int64]
  /// Complete checkpoints, ascending by version.
  var checkpoints: [Checkpoint]
  /// Versions whose checkpoint files exist but are incomplete (a part is missing).
  var incompleteCheckpoints: Set<Int64>

  var latestVersion: Int64? { commitVersions.last }

  static func read(logDirectory: URL) throws -> LogListing {
    try build { try forEachEntry(logDirectory.path, $0) }
  }

  /// The listing of a table's `_delta_log`: on a local disk straight from readdir(3), else
  /// from the storage's listing of the `_delta_log/` prefix.
  static func read(_ storage: any TableStorage) throws -> LogListing {
    try build { try forEachEntry(storage, $0) }
  }

  private static func build(_ forEach: ((LogFileName) -> Void) throws -> Void) throws
    -> LogListing
  {
    var commits: [Int64] = []
    var singles: Set<Int64> = []
    var parts: [Int64: (count: Int, names: [Int: String])] = [:]
    var incomplete: Set<Int64> = []
    try forEach { entry in
      switch entry {
      case .commit(let version): commits.append(version)
      case .checkpoint(let version): singles.insert(version)
      case .checkpointPart(let version, let part, let count):
        var group = parts[version] ?? (count, [:])
        if group.count != count { incomplete.insert(version) }
        group.names[part] = LogFileName.checkpointPart(version, part: part, parts: count)
        parts[version] = group
      }
    }
    var checkpoints: [Checkpoint] = singles.map {
      Checkpoint(version: $0, fileNames: [LogFileName.checkpoint($0)])
    }
    for (version, entry) in parts where !singles.contains(version) {
      if entry.names.count == entry.count, !incomplete.contains(version) {
        let names = (1...entry.count).compactMap { entry.names[$0] }
        checkpoints.append(Checkpoint(version: version, fileNames: names))
      } else {
        incomplete.insert(version)
      }
    }
    checkpoints.sort { $0.version < $1.version }
    commits.sort()
    return LogListing(
      commitVersions: commits, checkpoints: checkpoints, incompleteCheckpoints: incomplete)
  }

  /// Calls `body` with each log file in a directory, parsed straight from readdir(3)'s buffer
  /// (no string per entry: a 10,000-commit log lists in a few milliseconds). An absent
  /// directory lists as empty.
  static func forEachEntry(_ storage: any TableStorage, _ body: (LogFileName) -> Void) throws {
    if let local = storage as? LocalTableStorage {
      return try forEachEntry(local.path("_delta_log"), body)
    }
    for object in try storage.list(prefix: "_delta_log/") {
      let name = object.key.dropFirst("_delta_log/".count)
      guard !name.contains("/") else { continue }
      if let parsed = LogFileName(String(name)) { body(parsed) }
    }
  }

  static func forEachEntry(_ path: String, _ body: (LogFileName) -> Void) throws {
    guard let directory = opendir(path) else {
      if errno == ENOENT { return }
      throw DeltaError.io(path: path, reason: String(cString: strerror(errno)))
    }
    defer { closedir(directory) }
    while let entry = readdir(directory) {
      let parsed = withUnsafeBytes(of: &entry.pointee.d_name) { raw -> LogFileName? in
        let bytes = raw.bindMemory(to: UInt8.self)
        let length = bytes.firstIndex(of: 0) ?? bytes.count
        return LogFileName.parse(UnsafeBufferPointer(rebasing: bytes[0..<length]))
      }
      if let parsed { body(parsed) }
    }
  }
}
