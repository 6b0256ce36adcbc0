import Foundation

/// Reads the `_delta_log` directory of one table: listing, commits, checkpoints, replay.
///
/// Kept free of caching and writing so that every read path can be tested on its own; the
/// `DeltaTable` keeps the latest state and advances it incrementally.
struct DeltaLog: Sendable {
  let storage: any TableStorage
  var tableURL: URL { storage.url }

  init(storage: any TableStorage) { self.storage = storage }

  /// The log's location and a commit's (for messages and tests; reads and writes go through
  /// `storage`).
  var logURL: URL { tableURL.appendingPathComponent("_delta_log", isDirectory: true) }

  func commitURL(_ version: Int64) -> URL {
    logURL.appendingPathComponent(LogFileName.commit(version))
  }

  func listing() throws -> LogListing { try LogListing.read(storage) }

  static func commitKey(_ version: Int64) -> String { "_delta_log/" + LogFileName.commit(version) }

  static func logKey(_ name: String) -> String { "_delta_log/" + name }

  /// The actions of one commit; a missing file is a gap in the log.
  func readCommit(_ version: Int64) throws -> [DeltaAction] {
    guard let actions = try readCommitIfPresent(version) else {
      throw DeltaError.missingLogEntry(version: version)
    }
    return actions
  }

  /// The actions of one commit, or nil when no commit of that version exists (yet). One
  /// read decides (on a local disk one open(2): ENOENT is "not yet"), so a commit landing
  /// meanwhile is never reported as unreadable.
  func readCommitIfPresent(_ version: Int64) throws -> [DeltaAction]? {
    guard let data = try storage.read(Self.commitKey(version)) else { return nil }
    return try ActionCodec.decodeCommit(data, version: version)
  }

  /// The commit's timestamp: the commit file's modification time, as the protocol defines it
  /// for tables without in-commit timestamps.
  func commitTimestamp(_ version: Int64) throws -> Date {
    guard let date = try storage.modificationTime(Self.commitKey(version)) else {
      throw DeltaError.missingLogEntry(version: version)
    }
    return date
  }

  /// The modification time of a log file.
  func modificationTime(ofLogFile name: String) throws -> Date {
    guard let date = try storage.modificationTime(Self.logKey(name)) else {
      throw DeltaError.io(
        path: storage.url.appendingPathComponent(Self.logKey(name)).absoluteString,
        reason: "no such file")
    }
    return date
  }

  /// The segment (checkpoint + commits) for `version`, nil meaning the latest.
  func segment(version: Int64?) throws -> LogSegment {
    let listing = try listing()
    let hint = try LastCheckpoint.read(storage)
    return try LogSegment.build(
      listing: listing, lastCheckpoint: hint, version: version, tablePath: tableURL.displayPath)
  }

  /// Replays a segment into a table state and checks the result is a usable table.
  func replay(_ segment: LogSegment) throws -> TableState {
    var state = TableState()
    if let checkpoint = segment.checkpoint {
      let actions = try CheckpointReader.read(
        storage, fileNames: checkpoint.fileNames, version: checkpoint.version)
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
      throw DeltaError.tableNotFound(path: tableURL.displayPath)
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

extension URL {
  /// A local path as a path, any other location (`s3://bucket/prefix`) whole.
  var displayPath: String { isFileURL ? path : absoluteString }
}
