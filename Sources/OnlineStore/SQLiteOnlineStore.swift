/// The embedded online store: one SQLite database under `data_dir/online/`, in WAL mode
/// with `synchronous=NORMAL`, written by one process at a time (enforced with `flock` on
/// `online.lock`), and the dedup log beside it.
///
/// `synchronous=NORMAL` may lose the last commits on a power loss (never on a process
/// crash); the exactly-once protocol recovers them from the offline table, which is the
/// source of truth. The dedup log is `fdatasync`ed before the commit that refers to it, so
/// a committed length never points past durable bytes.
public final class SQLiteOnlineStore: OnlineStore {
  /// Whether this store may write (`OnlineStoreAccess`).
  public typealias Access = OnlineStoreAccess

  public let schemas: [OnlineTableSchema]
  /// `data_dir/online`.
  public let directory: String
  public var databasePath: String { directory + "/online.db" }
  public var lockPath: String { directory + "/online.lock" }
  let access: Access
  /// Groups whose table does not exist yet (`readOnlyNewTablesEmpty`).
  private var emptyGroups: Set<String> = []

  /// What an open store holds; nil after `close()`.
  struct OpenState {
    let connection: SQLiteConnection
    let tables: [String: GroupTable]
    let dedupLog: DedupLog
    let lock: DataDirectoryLock?
    /// Checkpoints the WAL beside the writer (read-write stores only).
    let checkpointer: WALCheckpointer?
  }
  private var openState: OpenState?

  /// Where tests interrupt a batch or a compaction, to prove what a failure leaves behind.
  enum FaultPoint {
    case afterRows
    case afterDedupAppend
    case beforeCommit
    case compactionBeforeSwitch
  }
  var faultInjection: ((FaultPoint) throws -> Void)?

  /// Opens (creating when writable) the store under `dataDirectory`, with one table per
  /// schema. Fails fast with `OnlineStoreError.locked` when another writer holds it.
  public init(dataDirectory: String, schemas: [OnlineTableSchema], access: Access = .readWrite)
    throws
  {
    try Self.validate(schemas)
    self.schemas = schemas
    self.directory = dataDirectory + "/online"
    self.access = access

    var lock: DataDirectoryLock?
    if access == .readWrite {
      try SystemFile.createDirectories(directory)
      lock = try DataDirectoryLock(path: directory + "/online.lock")
    }
    let connection =
      access == .readWrite
      ? try SQLiteConnection(path: directory + "/online.db", readOnly: false)
      : try Self.readOnlyConnection(directory: directory)
    if access == .readWrite {
      // Wait for a lock rather than fail at once: a connection closing in this process
      // (the WAL checkpointer of a store just closed) may still hold one for a moment.
      // Fine-grained retries: a restart checkpoint holds the writer off for milliseconds.
      connection.retryWhileBusy(attempts: 10_000)
      let mode = try connection.scalarText("PRAGMA journal_mode = WAL")
      guard mode?.lowercased() == "wal" else {
        throw SQLiteError(
          extendedCode: 1, message: "journal_mode is \(mode ?? "unknown"), not wal",
          context: "PRAGMA journal_mode = WAL")
      }
      // 64 MiB of page cache: a batch touching 100k entities stays in memory. No automatic
      // checkpoint inside commits: `WALCheckpointer` runs them beside the writer and starts
      // the log over once it holds 64 MiB; the size limit cuts the file back to that.
      try connection.execute(
        """
        PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;
        PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864
        """)
      try connection.transaction {
        try connection.execute(MetadataSQL.create)
        try MetadataSQL.upgrade(on: connection)
        for schema in schemas { try Self.register(schema, on: connection) }
      }
    } else {
      for schema in schemas {
        if access == .readOnlyNewTablesEmpty,
          try MetadataSQL.storedDefinition(of: schema, on: connection) == nil
        {
          continue
        }
        try Self.checkRegistered(schema, on: connection)
      }
    }

    var tables: [String: GroupTable] = [:]
    for schema in schemas {
      if access == .readOnlyNewTablesEmpty,
        try MetadataSQL.storedDefinition(of: schema, on: connection) == nil
      {
        emptyGroups.insert(schema.group)
        continue
      }
      let table = GroupTable(schema: schema, connection: connection)
      if access == .readWrite { try connection.execute(table.createSQL) }
      tables[schema.group] = table
    }
    let dedupState = try MetadataSQL.dedupLogState(on: connection)
    let dedupLog = try DedupLog(
      directory: directory, fileName: dedupState.fileName,
      committedLength: dedupState.committedLength, recordSize: dedupState.recordSize,
      readOnly: access != .readWrite)
    if access == .readWrite {
      try Self.removeStrayDedupLogs(in: directory, keeping: dedupState.fileName)
    }
    let checkpointer =
      access == .readWrite ? WALCheckpointer(databasePath: directory + "/online.db") : nil
    openState = OpenState(
      connection: connection, tables: tables, dedupLog: dedupLog, lock: lock,
      checkpointer: checkpointer)
    if access == .readWrite && dedupLog.recordSize != DedupEntryRecord.encodedSize {
      // A log from before entries named their table, rewritten once with each entry's
      // table unknown, so that everything appended to it is of one record size.
      var entries: [DedupEntryRecord] = []
      try dedupLog.forEachEntry { entries.append($0) }
      try compactDedupLog(liveEntries: entries)
    }
  }

  /// Releases the database and the lock. Later calls throw `OnlineStoreError.closed`.
  public func close() {
    openState?.checkpointer?.stop()
    openState = nil
  }

  deinit {
    openState?.checkpointer?.stop()
  }

  func state() throws -> OpenState {
    guard let openState else { throw OnlineStoreError.closed }
    return openState
  }

  func writableState() throws -> OpenState {
    guard access == .readWrite else { throw OnlineStoreError.readOnly }
    return try state()
  }

  func table(_ group: String, in state: OpenState) throws -> GroupTable {
    guard let table = state.tables[group] else { throw OnlineStoreError.unknownGroup(group) }
    return table
  }

  func checkedKey(_ key: [OnlineValue], for table: GroupTable) throws -> [OnlineValue] {
    if let reason = table.validateKey(key) {
      throw OnlineStoreError.invalidKey(group: table.schema.group, reason: reason)
    }
    return key
  }

  private static func validate(_ schemas: [OnlineTableSchema]) throws {
    var groups = Set<String>()
    var tableNames = Set<String>()
    for schema in schemas {
      try schema.validate()
      guard groups.insert(schema.group).inserted else {
        throw OnlineStoreError.invalidSchema(
          group: schema.group, reason: "the group is listed twice")
      }
      guard tableNames.insert(schema.tableName.lowercased()).inserted else {
        throw OnlineStoreError.invalidSchema(
          group: schema.group,
          reason:
            "its table name '\(schema.tableName)' collides with another group's (SQLite names are case-insensitive)"
        )
      }
    }
  }

  /// Records a schema, or checks that the stored definition is the same.
  private static func register(_ schema: OnlineTableSchema, on connection: SQLiteConnection) throws
  {
    if try MetadataSQL.storedDefinition(of: schema, on: connection) != nil {
      return try checkRegistered(schema, on: connection)
    }
    if let owner = try MetadataSQL.groupOwning(tableName: schema.tableName, on: connection) {
      throw OnlineStoreError.invalidSchema(
        group: schema.group,
        reason: "its table name '\(schema.tableName)' is already used by feature group '\(owner)'")
    }
    try MetadataSQL.insertDefinition(of: schema, on: connection)
  }

  private static func checkRegistered(_ schema: OnlineTableSchema, on connection: SQLiteConnection)
    throws
  {
    guard let stored = try MetadataSQL.storedDefinition(of: schema, on: connection) else {
      throw OnlineStoreError.invalidSchema(
        group: schema.group,
        reason:
          "version \(schema.version) has no table in \(connection.path) yet; run the service once")
    }
    guard stored == schema.canonicalDefinition else {
      throw OnlineStoreError.schemaMismatch(
        group: schema.group, version: schema.version, stored: stored,
        given: schema.canonicalDefinition)
    }
  }

  /// Removes dedup logs a compaction left behind: a replacement written but never switched
  /// to, or the old log after a switch.
  private static func removeStrayDedupLogs(in directory: String, keeping current: String) throws {
    for name in try SystemFile.directoryEntries(directory)
    where name.hasPrefix("dedup") && name.hasSuffix(".log") && name != current {
      try SystemFile.remove(directory + "/" + name)
    }
  }

  // MARK: Reads

  public func registeredSchemas() throws -> [OnlineTableSchema] {
    try MetadataSQL.registeredSchemas(on: state().connection)
  }

  public func storedOrder(group: String, key: [OnlineValue]) throws -> OnlineWriteOrder? {
    let state = try state()
    if emptyGroups.contains(group) { return nil }
    let table = try table(group, in: state)
    return try table.storedOrder(key: checkedKey(key, for: table))
  }

  public func get(group: String, key: [OnlineValue]) throws -> OnlineRow? {
    let state = try state()
    let table = try table(group, in: state)
    return try table.row(key: checkedKey(key, for: table))
  }

  public func getWithVersion(group: String, key: [OnlineValue], table tableName: String) throws
    -> (row: OnlineRow?, version: Int64?)
  {
    let state = try state()
    let table = try table(group, in: state)
    let key = try checkedKey(key, for: table)
    return try state.connection.readTransaction {
      (try table.row(key: key), try MetadataSQL.appliedVersions(on: state.connection)[tableName])
    }
  }

  public func rows(group: String, after: [OnlineValue]?, limit: Int) throws -> [OnlineRow] {
    let state = try state()
    let table = try table(group, in: state)
    return try table.page(after: after.map { try checkedKey($0, for: table) }, limit: max(1, limit))
  }

  public func count(group: String) throws -> Int {
    let state = try state()
    return try table(group, in: state).liveCount()
  }

  public func positions() throws -> [PartitionPosition] {
    try MetadataSQL.positions(on: state().connection)
  }

  public func appliedVersions() throws -> [String: Int64] {
    try MetadataSQL.appliedVersions(on: state().connection)
  }
}
