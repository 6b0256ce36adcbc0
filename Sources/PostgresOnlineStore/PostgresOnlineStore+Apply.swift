import OnlineStore
import PostgresNIO

extension PostgresOnlineStore {
  /// Applies one batch in one PostgreSQL transaction: per group one statement that upserts
  /// every entity's greatest write of the batch where it beats the held one (the database
  /// decides), then the positions, the dedup entries, `beforeCommit` and the applied
  /// versions, and COMMIT. If anything throws, the transaction rolls back and nothing of the
  /// batch is visible.
  ///
  /// The counts (applied, stale, partition violations) follow the writes in processing
  /// order against the order each entity held before the batch, which the statement
  /// returns; the number of rows the database changed must equal the number of entities
  /// the counts saw win, or the batch fails (the two would disagree on the rule).
  public func apply(_ batch: OnlineBatch, beforeCommit: () throws -> [String: Int64]) throws
    -> OnlineApplyResult
  {
    try writable()
    let groups = try batch.writes.keys.sorted().map { group in
      let table = try table(group)
      let writes: any OnlineWriteColumns = batch.writes[group] ?? [OnlineWrite]()
      try validate(writes, for: table)
      return (table, writes)
    }
    return try session.transaction {
      var result = OnlineApplyResult()
      for (table, writes) in groups {
        result.groups[table.schema.group] = try applyLastWriteWins(writes, to: table)
      }
      if !batch.positions.isEmpty {
        try session.query(metadata.advance(batch.positions), context: "advancing positions")
      }
      var remaining = batch.dedupEntries[...]
      while !remaining.isEmpty {
        let chunk = remaining.prefix(100_000)
        try session.query(metadata.append(chunk), context: "appending dedup entries")
        remaining = remaining.dropFirst(chunk.count)
      }
      let versions = batch.appliedVersions.merging(try beforeCommit(), uniquingKeysWith: max)
      if !versions.isEmpty {
        try session.query(metadata.advance(versions), context: "advancing applied versions")
      }
      return result
    }
  }

  /// Type-checks every write before the transaction starts, as the embedded store does.
  private func validate(_ writes: some OnlineWriteColumns, for table: PostgresGroupTable) throws {
    if writes.isSchemaChecked { return }
    var key: [OnlineValue] = []
    var values: [OnlineValue] = []
    for row in 0..<writes.count {
      writes.key(at: row, into: &key)
      if let reason = table.schema.keyMismatch(key) {
        throw OnlineStoreError.invalidWrite(group: table.schema.group, index: row, reason: reason)
      }
      if writes.isDelete(at: row) { continue }
      writes.values(at: row, into: &values)
      if let reason = table.schema.valuesMismatch(values) {
        throw OnlineStoreError.invalidWrite(group: table.schema.group, index: row, reason: reason)
      }
    }
  }

  private func applyLastWriteWins(_ writes: some OnlineWriteColumns, to table: PostgresGroupTable)
    throws -> OnlineGroupCounts
  {
    let columns = writes.columns(
      keyTypes: table.keyColumns.map(\.type), valueTypes: table.valueColumns.map(\.type))
    let rows = columns.rows
    guard !rows.isEmpty else { return OnlineGroupCounts() }
    let group = table.schema.group
    var binds = PostgresBindings(capacity: table.keyColumns.count + 4 + table.valueColumns.count)
    for (column, values) in zip(table.keyColumns, columns.keys) {
      binds.append(
        try PostgresCells.array(values, rows: rows, name: column.name, group: group))
    }
    let eventTimes = rows.map { columns.eventTimes[Int($0)] }
    if let outside = eventTimes.first(where: { !PostgresArray.timestampRange.contains($0) }) {
      throw PostgresOnlineStoreError.unstorableValue(
        group: group, reason: "the event time \(outside) µs (outside its range)")
    }
    binds.append(PostgresArray.timestamps(eventTimes))
    binds.append(PostgresArray.int32s(rows.lazy.map { columns.partitions[Int($0)] }))
    binds.append(PostgresArray.int64s(rows.lazy.map { columns.offsets[Int($0)] }))
    binds.append(PostgresArray.booleans(rows.lazy.map { columns.deletes[Int($0)] }))
    for (column, values) in zip(table.valueColumns, columns.values) {
      binds.append(
        try PostgresCells.array(
          values, rows: rows, nullWhere: columns.deletes, name: column.name, group: group))
    }
    let result = try session.query(
      PostgresQuery(unsafeSQL: table.applySQL, binds: binds),
      context: "applying a batch to \(table.schema.tableName)")
    guard result.count == rows.count else {
      throw PostgresOnlineStoreError.unexpectedResult(
        context:
          "the batch for \(table.schema.tableName) with \(result.count) rows for \(rows.count) writes"
      )
    }

    // Per entity (the database's numbering, 1...), the greatest order so far.
    var greatest = [OnlineWriteOrder?](repeating: nil, count: rows.count + 1)
    var seen = [Bool](repeating: false, count: rows.count + 1)
    var won = [Bool](repeating: false, count: rows.count + 1)
    var counts = OnlineGroupCounts()
    var changedRows: Int64 = 0
    for (index, answer) in result.enumerated() {
      let cells = answer.makeRandomAccess()
      let entity = Int(try cells[0].decode(Int64.self))
      if index == 0 { changedRows = try cells[4].decode(Int64.self) }
      guard entity >= 1 && entity <= rows.count else {
        throw PostgresOnlineStoreError.unexpectedResult(context: "entity number \(entity)")
      }
      if !seen[entity] {
        seen[entity] = true
        if cells[1].bytes != nil {
          greatest[entity] = OnlineWriteOrder(
            eventTime: try PostgresCells.micros(cells[1]),
            partition: try cells[2].decode(Int32.self), offset: try cells[3].decode(Int64.self))
        }
      }
      let row = Int(rows[index])
      let order = columns.order(at: row)
      if let held = greatest[entity], held.partition != order.partition {
        counts.partitionViolations += 1
        if counts.violatingKeys.count < OnlineGroupCounts.violatingKeysKept {
          counts.violatingKeys.append(columns.keys.map { $0.value(at: row) })
        }
      }
      if order.isStale(against: greatest[entity]) {
        counts.stale += 1
      } else {
        counts.applied += 1
        greatest[entity] = order
        won[entity] = true
      }
    }
    let winners = won.lazy.filter { $0 }.count
    guard changedRows == Int64(winners) else {
      throw PostgresOnlineStoreError.unexpectedResult(
        context:
          "the batch for \(table.schema.tableName): it changed \(changedRows) rows where \(winners) entities won"
      )
    }
    return counts
  }
}

extension OnlineColumnValues {
  /// The cell at `row` as a value (for the keys the service logs).
  func value(at row: Int) -> OnlineValue {
    if let validity, !validity[row] { return .null }
    switch storage {
    case .integers(let values):
      return type == .timestamp ? .timestamp(values[row]) : .bigint(values[row])
    case .doubles(let values): return .double(values[row])
    case .booleans(let values): return .boolean(values[row])
    case .strings(let bytes, let offsets):
      return .string(
        String(decoding: bytes[Int(offsets[row])..<Int(offsets[row + 1])], as: UTF8.self))
    }
  }
}
