import Foundation

/// Reads the `_delta_log` directory of one table: listing, commits, checkpoints, replay.
///
/// Kept free of caching and writing so that every read path can be tested on its own; the
/// `DeltaTable` keeps the latest state and advances it incrementally.
struct DeltaLog: Sendable {
  let tableURL: URL
  var logURL: URL { tableURL.appendingPathComponent("_delta_log", isDirectory: true) }

  func listing() throws -> LogListing { try LogListing.read(logDirectory: logURL) }

  func commitURL(_ version: Int64) -> URL {
    logURL.appendingPathComponent(LogFileName.commit(version))
  }

  /// The actions of one commit; a missing file is a gap in the log.
  func readCommit(_ version: Int64) throws -> [DeltaAction] {
    guard let actions = try readCommitIfPresent(version) else {
      throw DeltaError.missingLogEntry(version: version)
    }
    return actions
  }

  /// The actions of one commit, or nil when no commit of that version exists (yet).
  func readCommitIfPresent(_ version: Int64) throws -> [DeltaAction]? {
    let path = commitURL(version).path
    // One open(2) decides: ENOENT is "no such version (yet)", any other failure is an
    // error. (Reading, then asking whether the file exists, raced with a writer creating
    // it in between, and reported a commit that had just landed as unreadable.)
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      let code = errno
      if code == ENOENT { return nil }
      throw DeltaError.io(path: path, reason: "open: \(String(cString: strerror(code)))")
    }
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    let data: Data
    do {
      data = try handle.readToEnd() ?? Data()
    } catch {
      throw DeltaError.io(path: path, reason: "read: \(error)")
    }
    return try ActionCodec.decodeCommit(data, version: version)
  }

  /// The commit's timestamp: the commit file's modification time, as the protocol defines it
  /// for tables without in-commit timestamps.
  func commitTimestamp(_ version: Int64) throws -> Date {
    try modificationTime(of: commitURL(version))
  }

  func modificationTime(of url: URL) throws -> Date {
    var info = stat()
    guard stat(url.path, &info) == 0 else {
      if errno == ENOENT, case .commit(let version)? = LogFileName(url.lastPathComponent) {
        throw DeltaError.missingLogEntry(version: version)
      }
      throw DeltaError.io(path: url.path, reason: String(cString: strerror(errno)))
    }
    let seconds = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    return Date(timeIntervalSince1970: seconds)
  }

  /// The segment (checkpoint + commits) for `version`, nil meaning the latest.
  func segment(version: Int64?) throws -> LogSegment {
    let listing = try listing()
    let hint = try LastCheckpoint.read(logDirectory: logURL)
    return try LogSegment.build(
      listing: listing, lastCheckpoint: hint, version: version, tablePath: tableURL.path)
  }

  /// Replays a segment into a table state and checks the result is a usable table.
  func replay(_ segment: LogSegment) throws -> TableState {
    var state = TableState()
    if let checkpoint = segment.checkpoint {
      let actions = try CheckpointReader.read(
        logDirectory: logURL, fileNames: checkpoint.fileNames, version: checkpoint.version)
      state.apply(actions, version: checkpoint.version)
    }
    for version in segment.commitVersions {
      state.apply(try readCommit(version), version: version)
    }
    try Self.validate(state)
    return state
  }

  static func validate(_ state: TableState) throws {
    guard let tableProtocol = state.tableProtocol, state.metadata != nil else {
      throw DeltaError.missingTableMetadata(version: state.version)
    }
    try tableProtocol.checkReadable()
  }

  /// The latest version whose commit timestamp is at or before `date`.
  ///
  /// Timestamps are made strictly increasing first (a commit whose file time is not after its
  /// predecessor's counts as 1 ms later), as Spark does, so that time travel is monotonic.
  func version(asOf date: Date) throws -> Int64 {
    let listing = try listing()
    guard !listing.commitVersions.isEmpty else {
      throw DeltaError.tableNotFound(path: tableURL.path)
    }
    var previous: Date?
    var found: Int64?
    var first: Date?
    for version in listing.commitVersions {
      var timestamp = try commitTimestamp(version)
      if let previous, timestamp <= previous { timestamp = previous.addingTimeInterval(0.001) }
      if first == nil { first = timestamp }
      previous = timestamp
      if timestamp <= date { found = version } else { break }
    }
    guard let found else {
      throw DeltaError.timestampBeforeFirstCommit(requested: date, first: first ?? date)
    }
    return found
  }
}
