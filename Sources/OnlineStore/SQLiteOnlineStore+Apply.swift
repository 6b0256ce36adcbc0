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
      let writes = batch.writes[group] ?? []
      try validate(writes, for: table)
      return (table, writes)
    }

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
      throw error
    }
    state.dedupLog.markCommitted(length: newLength)
    return result
  }

  /// Type-checks every write before the transaction starts, so bad input fails the batch
  /// with a clear error and never halfway through.
  private func validate(_ writes: [OnlineWrite], for table: GroupTable) throws {
    for (index, write) in writes.enumerated() {
      if let reason = table.validateKey(write.key) {
        throw OnlineStoreError.invalidWrite(group: table.schema.group, index: index, reason: reason)
      }
      // A delete's values are never stored, so they are not checked either.
      if write.operation == .delete { continue }
      if let reason = table.validateValues(write.values) {
        throw OnlineStoreError.invalidWrite(group: table.schema.group, index: index, reason: reason)
      }
    }
  }

  private func applyLastWriteWins(_ writes: [OnlineWrite], to table: GroupTable) throws
    -> OnlineGroupCounts
  {
    var slots = EntitySlots(expectedCount: min(writes.count, 1 << 20))
    var slotOfWrite = [Int](repeating: 0, count: writes.count)
    for index in writes.indices { slotOfWrite[index] = slots.slot(for: writes[index].key) }

    // The greatest order per entity, starting from what the store held before the batch.
    let stored = try slots.keys.map { try table.storedOrder(key: $0) }
    var greatest = stored
    var winner = [Int](repeating: -1, count: slots.count)
    var counts = OnlineGroupCounts()
    for (index, write) in writes.enumerated() {
      let slot = slotOfWrite[index]
      let order = write.order
      if let held = greatest[slot], order <= held {
        counts.stale += 1
      } else {
        counts.applied += 1
        greatest[slot] = order
        winner[slot] = index
      }
    }

    // The pre-read tells whether the entity exists, so a plain INSERT or UPDATE does,
    // cheaper than an upsert's failed insert followed by an update.
    for (slot, index) in winner.enumerated() where index >= 0 {
      let write = writes[index]
      try table.write(
        key: write.key, order: write.order, deleted: write.operation == .delete,
        values: write.values,
        mode: stored[slot] == nil ? .insert : .update)
    }
    return counts
  }
}
