extension SQLiteOnlineStore {
  /// Applies one batch in one SQLite transaction.
  ///
  /// Per group, writes are first collapsed per entity in memory: each entity's stored order
  /// (row or tombstone) is read once, the batch's writes are compared in processing order
  /// against the greatest order seen so far (so stale counts are exact when one batch holds
  /// several writes of an entity), and only each entity's final winner touches SQLite.
  /// Dedup entries are appended to the dedup log (beside the row updates, on another thread)
  /// and its new length committed with the rows; positions and applied versions only move
  /// forward. On any error nothing is committed and the appended dedup bytes are cut again.
  public func apply(_ batch: OnlineBatch, beforeCommit: () throws -> [String: Int64]) throws
    -> OnlineApplyResult
  {
    let state = try writableState()
    let groups = try batch.writes.keys.sorted().map { group in
      let table = try table(group, in: state)
      let writes: any OnlineWriteColumns = batch.writes[group] ?? [OnlineWrite]()
      try validate(writes, for: table)
      return (table, writes)
    }

    // Another connection's commit (a repair from another process) may have changed rows.
    let dataVersion = try state.connection.scalarText("PRAGMA data_version")
    for (table, _) in groups { table.orderCache.check(dataVersion: dataVersion) }

    var result = OnlineApplyResult()
    var newLength = state.dedupLog.committedLength
    let dedupAppend = BackgroundDedupAppend(state.dedupLog, entries: batch.dedupEntries)
    do {
      try state.connection.transaction {
        for (table, writes) in groups {
          result.groups[table.schema.group] = try applyLastWriteWins(writes, to: table)
        }
        try faultInjection?(.afterRows)
        try MetadataSQL.advance(batch.positions, on: state.connection)
        // The rows' pages (one per touched entity, mostly) go to the WAL while the caller
        // may still be waiting; the commit then adds the few pages changed below.
        try state.connection.writeDirtyPages()
        let moreVersions = try beforeCommit()
        try MetadataSQL.advance(
          batch.appliedVersions.merging(moreVersions, uniquingKeysWith: max), on: state.connection)
        newLength = try dedupAppend.wait()
        try faultInjection?(.afterDedupAppend)
        if newLength != state.dedupLog.committedLength {
          var logState = try MetadataSQL.dedupLogState(on: state.connection)
          logState.committedLength = newLength
          try MetadataSQL.setDedupLogState(logState, on: state.connection)
        }
        try faultInjection?(.beforeCommit)
      }
    } catch {
      _ = try? dedupAppend.wait()
      try? state.dedupLog.discardUncommitted()
      // The cache took this batch's writes, which the table did not.
      for (table, _) in groups { table.orderCache.removeAll() }
      throw error
    }
    state.dedupLog.markCommitted(length: newLength)
    state.checkpointer?.noteCommit()
    return result
  }

  /// Type-checks every write before the transaction starts, so bad input fails the batch
  /// with a clear error and never halfway through.
  private func validate(_ writes: some OnlineWriteColumns, for table: GroupTable) throws {
    if writes.isSchemaChecked { return }
    var key: [OnlineValue] = []
    var values: [OnlineValue] = []
    for row in 0..<writes.count {
      writes.key(at: row, into: &key)
      if let reason = table.validateKey(key) {
        throw OnlineStoreError.invalidWrite(group: table.schema.group, index: row, reason: reason)
      }
      // A delete's values are never stored, so they are not checked either.
      if writes.isDelete(at: row) { continue }
      writes.values(at: row, into: &values)
      if let reason = table.validateValues(values) {
        throw OnlineStoreError.invalidWrite(group: table.schema.group, index: row, reason: reason)
      }
    }
  }

  private func applyLastWriteWins(_ writes: some OnlineWriteColumns, to table: GroupTable) throws
    -> OnlineGroupCounts
  {
    let reader = OnlineRowReader(
      writes.columns(
        keyTypes: table.keyColumns.map(\.type), valueTypes: table.valueColumns.map(\.type)))
    let rows = reader.columns.rows
    // Per distinct entity of the batch: its cache slot, what the table held before the
    // batch (from the cache, else read now), the greatest order so far and the winner.
    table.orderCache.makeRoom(for: rows.count)
    // Per cache slot, the batch's slot + 1 (0: not met in this batch yet).
    var batchSlot = [Int32](repeating: 0, count: table.orderCache.count + rows.count)
    var cacheSlots: [Int] = []
    var stored: [OnlineWriteOrder?] = []
    var slotOfWrite = [Int32](repeating: 0, count: rows.count)
    for (index, row) in rows.enumerated() {
      let (cacheSlot, known) = table.orderCache.entry(forKeyOf: Int(row), in: reader)
      if batchSlot[cacheSlot] != 0 {
        slotOfWrite[index] = batchSlot[cacheSlot] - 1
        continue
      }
      let held: OnlineWriteOrder?
      if let known {
        held = known
      } else {
        held = try table.storedOrder(row: Int(row), of: reader)
        table.orderCache.set(cacheSlot, held)
      }
      batchSlot[cacheSlot] = Int32(stored.count + 1)
      slotOfWrite[index] = Int32(stored.count)
      cacheSlots.append(cacheSlot)
      stored.append(held)
    }

    var greatest = stored
    // Per batch slot, the row of its winning write (-1: none, every write was stale).
    var winner = [Int32](repeating: -1, count: stored.count)
    var counts = OnlineGroupCounts()
    for (index, row) in rows.enumerated() {
      let slot = Int(slotOfWrite[index])
      let order = reader.columns.order(at: Int(row))
      if let held = greatest[slot], held.partition != order.partition {
        counts.partitionViolations += 1
        if counts.violatingKeys.count < OnlineGroupCounts.violatingKeysKept {
          counts.violatingKeys.append(reader.key(Int(row)))
        }
      }
      if order.isStale(against: greatest[slot]) {
        counts.stale += 1
      } else {
        counts.applied += 1
        greatest[slot] = order
        winner[slot] = row
      }
    }

    // Knowing whether the entity exists, a plain INSERT or UPDATE does, cheaper than an
    // upsert's failed insert followed by an update.
    // In key order: neighbouring descents then share B-tree pages (a batch touches a third
    // of a 100k-entity table, so in arrival order nearly every descent misses the CPU cache).
    // Sorted by a number first (one integer compare), by the whole key only on ties.
    var written: [(sortKey: UInt64, slot: Int)] = []
    written.reserveCapacity(stored.count)
    do {
      // Scoped, so that the cache is not shared (and copied on write) when it is updated.
      let cache = table.orderCache
      for slot in winner.indices where winner[slot] >= 0 {
        written.append((cache.sortKey(cacheSlots[slot]), slot))
      }
      written.sort {
        $0.sortKey != $1.sortKey
          ? $0.sortKey < $1.sortKey : cache.precedes(cacheSlots[$0.slot], cacheSlots[$1.slot])
      }
    }
    for (_, slot) in written {
      try table.write(row: Int(winner[slot]), of: reader, exists: stored[slot] != nil)
    }
    // Applied to the cache now, emptied again by `apply` if the transaction fails.
    for (slot, order) in greatest.enumerated() { table.orderCache.set(cacheSlots[slot], order) }
    return counts
  }
}
