import OnlineStore
import PostgresNIO

extension PostgresOnlineStore {
  /// Replaces the dedup entries by `liveEntries` in one transaction: a crash before COMMIT
  /// leaves the old entries, after it the new ones, never a mix.
  public func compactDedupLog(liveEntries: [DedupEntryRecord]) throws {
    try writable()
    try session.transaction {
      try session.query(
        "DELETE FROM \(unescaped: metadata.dedupEntries)", context: "compacting dedup entries")
      var remaining = liveEntries[...]
      while !remaining.isEmpty {
        let chunk = remaining.prefix(100_000)
        try session.query(metadata.append(chunk), context: "compacting dedup entries")
        remaining = remaining.dropFirst(chunk.count)
      }
    }
  }

  // MARK: Repair (outside last-write-wins)

  public func replaceEntity(group: String, row: OnlineRow) throws {
    try writable()
    let table = try table(group)
    let key = try checkedKey(row.key, for: table)
    if let reason = table.schema.valuesMismatch(row.values) {
      throw OnlineStoreError.invalidWrite(group: group, index: 0, reason: reason)
    }
    for (value, column) in zip(row.values, table.valueColumns) {
      if let reason = PostgresCells.unstorable(value, column: column.name) {
        throw PostgresOnlineStoreError.unstorableValue(group: group, reason: reason)
      }
    }
    try session.transaction {
      try session.query(
        table.replaceQuery(key: key, order: row.order, deleted: false, values: row.values),
        context: "repairing \(table.schema.tableName)")
    }
  }

  @discardableResult
  public func deleteEntity(group: String, key: [OnlineValue], tombstoneAt: OnlineWriteOrder? = nil)
    throws -> Bool
  {
    try writable()
    let table = try table(group)
    let key = try checkedKey(key, for: table)
    return try session.transaction {
      let wasLive = try get(group: group, key: key) != nil
      if let tombstoneAt {
        try session.query(
          table.replaceQuery(key: key, order: tombstoneAt, deleted: true, values: []),
          context: "repairing \(table.schema.tableName)")
      } else {
        var binds = PostgresBindings()
        table.bindKey(key, to: &binds)
        try session.query(
          PostgresQuery(
            unsafeSQL:
              "DELETE FROM \(table.qualifiedName) WHERE \(table.keyMatch(firstParameter: 1))",
            binds: binds), context: "repairing \(table.schema.tableName)")
      }
      return wasLive
    }
  }

  @discardableResult
  public func purgeTombstones(group: String, olderThan eventTime: Int64) throws -> Int {
    try writable()
    let table = try table(group)
    var binds = PostgresBindings()
    binds.append(PostgresCells.Timestamp(micros: eventTime))
    return try session.transaction {
      let result = try session.query(
        PostgresQuery(
          unsafeSQL: "DELETE FROM \(table.qualifiedName) WHERE _deleted AND event_time < $1",
          binds: binds), context: "purging tombstones of \(table.schema.tableName)")
      return result.metadata.rows ?? 0
    }
  }
}
