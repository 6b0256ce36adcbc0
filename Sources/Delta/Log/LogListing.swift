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
    let names = try directoryEntries(logDirectory.path)
    var commits: [Int64] = []
    var singles: Set<Int64> = []
    var parts: [Int64: (count: Int, names: [Int: String])] = [:]
    var incomplete: Set<Int64> = []
    for name in names {
      switch LogFileName(name) {
      case .commit(let version): commits.append(version)
      case .checkpoint(let version): singles.insert(version)
      case .checkpointPart(let version, let part, let count):
        var entry = parts[version] ?? (count, [:])
        if entry.count != count { incomplete.insert(version) }
        entry.names[part] = name
        parts[version] = entry
      case nil: continue
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

  /// Entry names of a directory via readdir(3); an absent directory lists as empty.
  static func directoryEntries(_ path: String) throws -> [String] {
    guard let directory = opendir(path) else {
      if errno == ENOENT { return [] }
      throw DeltaError.io(path: path, reason: String(cString: strerror(errno)))
    }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }
}
