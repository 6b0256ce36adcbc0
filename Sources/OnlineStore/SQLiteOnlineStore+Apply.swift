extension SQLiteOnlineStore {
  /// Applies one batch in one SQLite transaction.
  ///
  /// Per group, writes are first collapsed per entity in memory: each entity's stored order
  /// (row or tombstone) is read once, the batch's writes are compared in processing order
  /// against the greatest order seen so far (so stale counts are exact when one batch holds
  /// several writes of an entity), and only each entity's final winner touches SQLite.
  /// Dedup entries are appended to the dedup log and its new length committed with the rows;
  /// positions and applied versions only move forward. On any error nothing is committed
  /// and the appended dedup bytes are cut again.
  public func apply(_ batch: OnlineBatch) throws -> OnlineApplyResult {
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
    do {
      try state.connection.transaction {
        for (table, writes) in groups {
          result.groups[table.schema.group] = try applyLastWriteWins(writes, to: table)
        }
        try faultInjection?(.afterRows)
        try MetadataSQL.advance(batch.positions, on: state.connection)
        try MetadataSQL.advance(batch.appliedVersions, on: state.connection)
        newLength = try state.dedupLog.append(batch.dedupEntries)
        try faultInjection?(.afterDedupAppend)
        if newLength != state.dedupLog.committedLength {
          var logState = try MetadataSQL.dedupLogState(on: state.connection)
          logState.committedLength = newLength
          try MetadataSQL.setDedupLogState(logState, on: state.connection)
        }
        try faultInjection?(.beforeCommit)
      }
    } catch {
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
    // Per distinct entity of the batch: its cache slot, what the table held before the
    // batch (from the cache, else read now), the greatest order so far and the winner.
    table.orderCache.makeRoom(for: writes.count)
    // Per cache slot, the batch's slot + 1 (0: not met in this batch yet).
    var batchSlot = [Int32](repeating: 0, count: table.orderCache.count + writes.count)
    var cacheSlots: [Int] = []
    var stored: [OnlineWriteOrder?] = []
    var slotOfWrite = [Int32](repeating: 0, count: writes.count)
    var key: [OnlineValue] = []
    for row in 0..<writes.count {
      writes.key(at: row, into: &key)
      let (cacheSlot, known) = table.orderCache.entry(for: key)
      if batchSlot[cacheSlot] != 0 {
        slotOfWrite[row] = batchSlot[cacheSlot] - 1
        continue
      }
      let held: OnlineWriteOrder?
      if let known {
        held = known
      } else {
        held = try table.storedOrder(key: key)
        table.orderCache.set(cacheSlot, held)
      }
      batchSlot[cacheSlot] = Int32(stored.count + 1)
      slotOfWrite[row] = Int32(stored.count)
      cacheSlots.append(cacheSlot)
      stored.append(held)
    }

    var greatest = stored
    var winner = [Int](repeating: -1, count: stored.count)
    var counts = OnlineGroupCounts()
    for row in 0..<writes.count {
      let slot = Int(slotOfWrite[row])
      let order = writes.order(at: row)
      if let held = greatest[slot], order <= held {
        counts.stale += 1
      } else {
        counts.applied += 1
        greatest[slot] = order
        winner[slot] = row
      }
    }

    // Knowing whether the entity exists, a plain INSERT or UPDATE does, cheaper than an
    // upsert's failed insert followed by an update.
    var values: [OnlineValue] = []
    // In key order: neighbouring descents then share B-tree pages (a batch touches a third
    // of a 100k-entity table, so in arrival order nearly every descent misses the CPU cache).
    var written = winner.indices.filter { winner[$0] >= 0 }
    do {
      // Scoped, so that the cache is not shared (and copied on write) when it is updated.
      let cache = table.orderCache
      written.sort { cache.precedes(cacheSlots[$0], cacheSlots[$1]) }
    }
    for slot in written {
      let row = winner[slot]
      writes.key(at: row, into: &key)
      let deleted = writes.isDelete(at: row)
      if !deleted { writes.values(at: row, into: &values) }
      try table.write(
        key: key, order: writes.order(at: row), deleted: deleted, values: values,
        mode: stored[slot] == nil ? .insert : .update)
    }
    // Applied to the cache now, emptied again by `apply` if the transaction fails.
    for (slot, order) in greatest.enumerated() { table.orderCache.set(cacheSlots[slot], order) }
    return counts
  }
}
