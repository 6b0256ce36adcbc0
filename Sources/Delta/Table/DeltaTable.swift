import Foundation

/// A Delta Lake table: snapshots, time travel, incremental reads and atomic commits, on the
/// local file system (`open(at:)`, `create(at:)`) or on any `TableStorage` (object storage).
///
/// The table caches its latest replayed state and advances it commit by commit, so reading the
/// current snapshot after a commit costs no replay. Safe to share between threads; several
/// processes may write the same table (commits are put-if-absent, see `commit`).
public final class DeltaTable: @unchecked Sendable {
  /// Tuning for writers.
  public struct Options: Sendable {
    /// A checkpoint is written after every version divisible by this; nil takes the table's
    /// `delta.checkpointInterval` configuration, else 10.
    public var checkpointInterval: Int64?
    /// How many versions a commit tries before giving up on a busy table.
    public var maxCommitAttempts: Int
    /// Recorded as `engineInfo` in commitInfo.
    public var engineInfo: String
    /// Write checkpoints on a background queue instead of inside `commit`: a streaming
    /// writer committing many times a second then never waits for one (its cost grows with
    /// the number of live files). The protocol allows a checkpoint at any time after its
    /// version; readers find it through `_last_checkpoint`, written after it is complete.
    /// `waitForCheckpoints()` waits for the ones queued.
    public var checkpointsInBackground: Bool
    /// The most rows a row group of a written data file holds (default 1,048,576): the unit
    /// a key look-up skips or decodes by its statistics.
    public var maxRowsPerRowGroup: Int

    public init(
      checkpointInterval: Int64? = nil, maxCommitAttempts: Int = 1000,
      engineInfo: String = "idemstream-delta/1", checkpointsInBackground: Bool = false,
      maxRowsPerRowGroup: Int = 1 << 20
    ) {
      self.checkpointInterval = checkpointInterval
      self.maxCommitAttempts = maxCommitAttempts
      self.engineInfo = engineInfo
      self.checkpointsInBackground = checkpointsInBackground
      self.maxRowsPerRowGroup = maxRowsPerRowGroup
    }
  }

  public let url: URL
  public let options: Options
  /// Where the table's files are.
  public var storage: any TableStorage { log.storage }
  let log: DeltaLog
  /// Guards `cachedState`, `cachedSnapshot`, `lastCheckpointFailure` and `parsedSchema`.
  let lock = NSLock()
  var cachedState: TableState
  /// The last snapshot built from `cachedState`, reused while no new version arrives.
  var cachedSnapshot: Snapshot?
  var lastCheckpointFailure: DeltaError?
  /// The last schema string parsed for a data file, with its parse: a streaming writer
  /// writes a file per commit and the schema rarely changes.
  var parsedSchema: (text: String, schema: DeltaSchema)?
  /// Serial, so that checkpoints land in version order.
  let checkpointQueue = DispatchQueue(label: "idemstream.delta.checkpoint")

  init(storage: any TableStorage, options: Options, state: TableState) {
    self.url = storage.url
    self.options = options
    self.log = DeltaLog(storage: storage)
    self.cachedState = state
  }

  /// True when `url` holds a Delta log with at least one commit or checkpoint.
  public static func exists(at url: URL) -> Bool {
    (try? exists(in: LocalTableStorage(root: url))) ?? false
  }

  /// True when the storage holds a Delta log with at least one commit or checkpoint. A
  /// storage that cannot be listed (a missing bucket, refused credentials) throws: that is
  /// not an absent table.
  public static func exists(in storage: any TableStorage) throws -> Bool {
    let listing = try DeltaLog(storage: storage).listing()
    return listing.latestVersion != nil || !listing.checkpoints.isEmpty
  }

  /// Opens the table at `url`, replaying its log from the latest checkpoint.
  public static func open(at url: URL, options: Options = Options()) throws -> DeltaTable {
    try open(in: LocalTableStorage(root: url), options: options)
  }

  /// Opens the table in `storage`, replaying its log from the latest checkpoint.
  public static func open(in storage: any TableStorage, options: Options = Options()) throws
    -> DeltaTable
  {
    let log = DeltaLog(storage: storage)
    let state = try log.replay(try log.segment(version: nil))
    return DeltaTable(storage: storage, options: options, state: state)
  }

  /// Creates a table: version 0 holds the protocol (reader 1, writer 2) and the metadata.
  /// Fails with `tableAlreadyExists` if any writer created it first.
  public static func create(
    at url: URL, schema: DeltaSchema, partitionColumns: [String] = [],
    configuration: [String: String] = [:], name: String? = nil, description: String? = nil,
    options: Options = Options()
  ) throws -> DeltaTable {
    try create(
      in: LocalTableStorage(root: url), schema: schema, partitionColumns: partitionColumns,
      configuration: configuration, name: name, description: description, options: options)
  }

  /// Creates a table in `storage`, as `create(at:)` does on a local disk.
  public static func create(
    in storage: any TableStorage, schema: DeltaSchema, partitionColumns: [String] = [],
    configuration: [String: String] = [:], name: String? = nil, description: String? = nil,
    options: Options = Options()
  ) throws -> DeltaTable {
    let url = storage.url
    for column in partitionColumns where schema.field(named: column) == nil {
      throw DeltaError.invalidSchema(reason: "partition column \(column) is not in the schema")
    }
    if try exists(in: storage) { throw DeltaError.tableAlreadyExists(path: url.displayPath) }
    try storage.prepareTable()
    let now = Self.nowMilliseconds()
    let metadata = TableMetadata(
      id: UUID().uuidString.lowercased(), name: name, description: description,
      schemaString: schema.sparkJSON(), partitionColumns: partitionColumns, createdTime: now,
      configuration: configuration)
    let actions: [DeltaAction] = [
      .commitInfo([
        "timestamp": .integer(now), "operation": .string("CREATE TABLE"),
        "operationParameters": .object([
          "mode": .string("ErrorIfExists"), "location": .string(url.displayPath),
        ]),
        "isBlindAppend": .bool(true), "engineInfo": .string(options.engineInfo),
      ]),
      .tableProtocol(.defaultForNewTables),
      .metadata(metadata),
    ]
    let written = try storage.putIfAbsent(
      DeltaLog.commitKey(0), try ActionCodec.encodeCommit(actions))
    guard written else { throw DeltaError.tableAlreadyExists(path: url.displayPath) }
    var state = TableState()
    state.apply(actions, version: 0)
    return DeltaTable(storage: storage, options: options, state: state)
  }

  /// The latest snapshot, after reading any commits other writers added since the last call.
  public func snapshot() throws -> Snapshot {
    let state = try refresh()
    if let cached = lock.withLock({ cachedSnapshot }), cached.version == state.version {
      return cached
    }
    let snapshot = try Snapshot(tableURL: url, state: state, timestamp: try timestamp(of: state))
    lock.withLock {
      if snapshot.version > (cachedSnapshot?.version ?? -1) { cachedSnapshot = snapshot }
    }
    return snapshot
  }

  /// The snapshot at `version` (time travel).
  public func snapshot(version: Int64) throws -> Snapshot {
    let current = lock.withLock { cachedState }
    let state: TableState
    if version == current.version {
      state = current
    } else {
      state = try log.replay(try log.segment(version: version))
    }
    return try Snapshot(tableURL: url, state: state, timestamp: try timestamp(of: state))
  }

  /// The snapshot of the latest version committed at or before `date`.
  public func snapshot(asOf date: Date) throws -> Snapshot {
    try snapshot(version: try log.version(asOf: date))
  }

  /// The latest version, after reading commits other writers added.
  public func latestVersion() throws -> Int64 { try refresh().version }

  /// Every commit after `version`, in order: what a reader that has applied `version` must
  /// apply to catch up. A missing commit in that range is an error, never skipped.
  public func commits(after version: Int64) throws -> [CommitRecord] {
    let latest = try refresh().version
    guard version < latest else { return [] }
    var records: [CommitRecord] = []
    records.reserveCapacity(Int(latest - version))
    for next in (version + 1)...latest { records.append(try commit(at: next)) }
    return records
  }

  /// The commit of one version, read from its log file.
  public func commit(at version: Int64) throws -> CommitRecord {
    CommitRecord(
      version: version, actions: try log.readCommit(version),
      timestamp: try log.commitTimestamp(version))
  }

  /// The error of the last automatic checkpoint, if it failed (the commit itself stood).
  public var checkpointFailure: DeltaError? { lock.withLock { lastCheckpointFailure } }

  /// The checkpoint interval in force: the option, else the table's configuration, else 10.
  func effectiveCheckpointInterval(_ metadata: TableMetadata?) -> Int64 {
    if let interval = options.checkpointInterval { return max(1, interval) }
    if let text = metadata?.configuration["delta.checkpointInterval"], let value = Int64(text),
      value > 0
    {
      return value
    }
    return 10
  }

  /// Brings the cached state up to the newest version in the log.
  ///
  /// Commits are contiguous, so reading `v+1`, `v+2`, … until one is absent finds every new
  /// version without listing the directory. Only when nothing follows but `_last_checkpoint`
  /// is ahead (log cleanup removed the commits this handle needed) is the log replayed anew.
  @discardableResult
  func refresh() throws -> TableState {
    let current = lock.withLock { cachedState }
    var next = current
    while let actions = try log.readCommitIfPresent(next.version + 1) {
      next.apply(actions, version: next.version + 1)
    }
    if next.version == current.version {
      guard let hint = try LastCheckpoint.read(log.storage),
        hint.version > current.version
      else { return current }
      next = try log.replay(try log.segment(version: nil))
    } else {
      try DeltaLog.validate(next)
    }
    lock.withLock { if next.version > cachedState.version { cachedState = next } }
    return next
  }

  /// The commit time of a state's version; after log cleanup, the checkpoint file's time.
  func timestamp(of state: TableState) throws -> Date {
    do {
      return try log.commitTimestamp(state.version)
    } catch DeltaError.missingLogEntry {
      return try log.modificationTime(ofLogFile: LogFileName.checkpoint(state.version))
    }
  }

  static func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
