extension SQLiteOnlineStore {
  // MARK: Dedup log

  public func forEachDedupEntry(_ body: (DedupEntryRecord) throws -> Void) throws {
    try state().dedupLog.forEachEntry(body)
  }

  /// The number of committed dedup entries.
  public func dedupEntryCount() throws -> Int {
    try state().dedupLog.entryCount
  }

  /// Writes `liveEntries` to a new log file, makes it durable, then switches the database to
  /// it in one transaction and removes the old file.
  ///
  /// A crash before the switch leaves the old log in force (the new file is removed at the
  /// next open); a crash after it leaves the new one (the old file is removed then).
  public func compactDedupLog(liveEntries: [DedupEntryRecord]) throws {
    let state = try writableState()
    var logState = try MetadataSQL.dedupLogState(on: state.connection)
    let generation = logState.generation + 1
    let name = "dedup.\(generation).log"
    let oldPath = state.dedupLog.path
    let replacement: (file: SystemFile, length: Int64)
    do {
      replacement = try state.dedupLog.writeReplacement(liveEntries, name: name)
      try faultInjection?(.compactionBeforeSwitch)
      logState = MetadataSQL.DedupLogState(
        fileName: name, committedLength: replacement.length, generation: generation,
        recordSize: DedupEntryRecord.encodedSize)
      // The old file is deleted right after, so this commit must survive a power loss too.
      try state.connection.execute("PRAGMA synchronous = FULL")
      defer { try? state.connection.execute("PRAGMA synchronous = NORMAL") }
      try state.connection.transaction {
        try MetadataSQL.setDedupLogState(logState, on: state.connection)
      }
    } catch {
      try? SystemFile.remove(state.dedupLog.directory + "/" + name)
      throw error
    }
    state.dedupLog.switchTo(file: replacement.file, name: name, length: replacement.length)
    try SystemFile.remove(oldPath)
  }

  // MARK: Repair (outside last-write-wins)

  public func replaceEntity(group: String, row: OnlineRow) throws {
    let state = try writableState()
    let table = try table(group, in: state)
    let key = try checkedKey(row.key, for: table)
    if let reason = table.validateValues(row.values) {
      throw OnlineStoreError.invalidWrite(group: group, index: 0, reason: reason)
    }
    try state.connection.transaction {
      try table.write(key: key, order: row.order, deleted: false, values: row.values)
    }
  }

  @discardableResult
  public func deleteEntity(group: String, key: [OnlineValue], tombstoneAt: OnlineWriteOrder? = nil)
    throws -> Bool
  {
    let state = try writableState()
    let table = try table(group, in: state)
    let key = try checkedKey(key, for: table)
    return try state.connection.transaction {
      let wasLive = try table.row(key: key) != nil
      if let tombstoneAt {
        try table.write(key: key, order: tombstoneAt, deleted: true, values: [])
      } else {
        _ = try table.remove(key: key)
      }
      return wasLive
    }
  }

  @discardableResult
  public func purgeTombstones(group: String, olderThan eventTime: Int64) throws -> Int {
    let state = try writableState()
    let table = try table(group, in: state)
    return try state.connection.transaction { try table.purgeTombstones(olderThan: eventTime) }
  }
}
