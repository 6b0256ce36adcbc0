/// One feature group's table in SQLite: its DDL and its prepared statements.
///
/// Layout: key columns, `event_time`, `_partition`, `_offset` (the order of the write the
/// row holds), `_deleted` (1 for a tombstone), then the value columns. A WITHOUT ROWID
/// table keyed by the primary key, so a point read or an upsert is one B-tree descent.
final class GroupTable {
  let schema: OnlineTableSchema
  let keyColumns: [OnlineColumn]
  let valueColumns: [OnlineColumn]
  private let connection: SQLiteConnection
  /// Prepared on first use, then reused: indexed by `StatementKind.rawValue`.
  private var statements = [SQLiteStatement?](repeating: nil, count: StatementKind.allCases.count)
  /// The stored order of entities met lately, so last-write-wins skips most reads. Only the
  /// apply path fills it; every other change to the table empties it.
  var orderCache = EntityOrderCache()

  private enum StatementKind: Int, CaseIterable {
    case storedOrder, insert, update, upsert, get, firstPage, nextPage, count, remove, purge
  }

  init(schema: OnlineTableSchema, connection: SQLiteConnection) {
    self.schema = schema
    self.keyColumns = schema.keyColumns
    self.valueColumns = schema.valueColumns
    self.connection = connection
  }

  static func quote(_ identifier: String) -> String {
    var quoted = "\""
    for character in identifier {
      quoted += character == "\"" ? "\"\"" : String(character)
    }
    return quoted + "\""
  }

  private var table: String { Self.quote(schema.tableName) }
  private var keyList: String { keyColumns.map { Self.quote($0.name) }.joined(separator: ", ") }
  private var valueList: String { valueColumns.map { ", " + Self.quote($0.name) }.joined() }
  private var keyMatch: String {
    keyColumns.enumerated().map { "\(Self.quote($0.element.name)) = ?\($0.offset + 1)" }
      .joined(separator: " AND ")
  }

  var createSQL: String {
    let keys = keyColumns.map { "\(Self.quote($0.name)) \($0.type.sqlType) NOT NULL" }
    let values = valueColumns.map { "\(Self.quote($0.name)) \($0.type.sqlType)" }
    let columns =
      keys + [
        "event_time INTEGER NOT NULL", "_partition INTEGER NOT NULL", "_offset INTEGER NOT NULL",
        "_deleted INTEGER NOT NULL",
      ] + values + ["PRIMARY KEY (\(keyList))"]
    return
      "CREATE TABLE IF NOT EXISTS \(table) (\(columns.joined(separator: ", "))) WITHOUT ROWID, STRICT"
  }

  private func statement(_ kind: StatementKind, _ sql: @autoclosure () -> String) throws
    -> SQLiteStatement
  {
    if let cached = statements[kind.rawValue] { return cached }
    let prepared = try connection.prepare(sql())
    statements[kind.rawValue] = prepared
    return prepared
  }

  /// Checks a key against the primary key (`OnlineTableSchema.keyMismatch`); nil when it fits.
  func validateKey(_ key: [OnlineValue]) -> String? { schema.keyMismatch(key) }

  /// Checks feature values (`OnlineTableSchema.valuesMismatch`); nil when they fit.
  func validateValues(_ values: [OnlineValue]) -> String? { schema.valuesMismatch(values) }

  private func bindKey(_ key: [OnlineValue], to statement: SQLiteStatement) throws {
    for (index, value) in key.enumerated() { try statement.bind(value, at: Int32(index + 1)) }
  }

  /// The order of the write the entity holds (row or tombstone), or nil for an unknown entity.
  func storedOrder(key: [OnlineValue]) throws -> OnlineWriteOrder? {
    let select = try statement(
      .storedOrder, "SELECT event_time, _partition, _offset FROM \(table) WHERE \(keyMatch)")
    defer { select.reset() }
    try bindKey(key, to: select)
    guard try select.step() else { return nil }
    return OnlineWriteOrder(
      eventTime: select.int64(at: 0), partition: Int32(truncatingIfNeeded: select.int64(at: 1)),
      offset: select.int64(at: 2))
  }

  /// Writes an entity's row (or tombstone, with null features) whatever it held before: a
  /// repair, outside last-write-wins.
  func write(key: [OnlineValue], order: OnlineWriteOrder, deleted: Bool, values: [OnlineValue])
    throws
  {
    // A write outside last-write-wins leaves the cache behind the table.
    orderCache.removeAll()
    let statement = try self.statement(.upsert, insertSQL + " " + upsertClause)
    try bindKey(key, to: statement)
    let first = Int32(key.count + 1)
    try statement.bind(order.eventTime, at: first)
    try statement.bind(Int64(order.partition), at: first + 1)
    try statement.bind(order.offset, at: first + 2)
    try statement.bind(Int64(deleted ? 1 : 0), at: first + 3)
    for column in 0..<valueColumns.count {
      try statement.bind(deleted ? .null : values[column], at: first + 4 + Int32(column))
    }
    try statement.run()
  }

  /// The stored order of the entity of `reader`'s row `row` (see `storedOrder(key:)`).
  func storedOrder(row: Int, of reader: OnlineRowReader) throws -> OnlineWriteOrder? {
    let select = try statement(
      .storedOrder, "SELECT event_time, _partition, _offset FROM \(table) WHERE \(keyMatch)")
    defer { select.reset() }
    for (index, column) in reader.keys.enumerated() {
      try column.bind(row, to: select, at: Int32(index + 1))
    }
    guard try select.step() else { return nil }
    return OnlineWriteOrder(
      eventTime: select.int64(at: 0), partition: Int32(truncatingIfNeeded: select.int64(at: 1)),
      offset: select.int64(at: 2))
  }

  /// Writes `reader`'s row `row` (the apply path, which knows whether the entity exists):
  /// cells are bound straight from the batch's columns.
  func write(row: Int, of reader: OnlineRowReader, exists: Bool) throws {
    let statement =
      exists ? try self.statement(.update, updateSQL) : try self.statement(.insert, insertSQL)
    for (index, column) in reader.keys.enumerated() {
      try column.bind(row, to: statement, at: Int32(index + 1))
    }
    let columns = reader.columns
    let deleted = columns.deletes[row]
    let first = Int32(keyColumns.count + 1)
    try statement.bind(columns.eventTimes[row], at: first)
    try statement.bind(Int64(columns.partitions[row]), at: first + 1)
    try statement.bind(columns.offsets[row], at: first + 2)
    try statement.bind(Int64(deleted ? 1 : 0), at: first + 3)
    for (index, column) in reader.values.enumerated() {
      let parameter = first + 4 + Int32(index)
      if deleted {
        try statement.bindNull(at: parameter)
      } else {
        try column.bind(row, to: statement, at: parameter)
      }
    }
    try statement.run()
  }

  /// Non-key columns, in the order `write` binds them after the key.
  private var assignedColumns: [String] {
    ["event_time", "_partition", "_offset", "_deleted"] + valueColumns.map { Self.quote($0.name) }
  }

  private var insertSQL: String {
    let placeholders = (1...(keyColumns.count + assignedColumns.count)).map { "?\($0)" }
    return """
      INSERT INTO \(table) (\(keyList), \(assignedColumns.joined(separator: ", "))) \
      VALUES (\(placeholders.joined(separator: ", ")))
      """
  }

  private var upsertClause: String {
    let updates = assignedColumns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
    return "ON CONFLICT (\(keyList)) DO UPDATE SET \(updates)"
  }

  private var updateSQL: String {
    let assignments = assignedColumns.enumerated().map {
      "\($0.element) = ?\(keyColumns.count + 1 + $0.offset)"
    }
    return "UPDATE \(table) SET \(assignments.joined(separator: ", ")) WHERE \(keyMatch)"
  }

  /// The live row of an entity; nil when absent or tombstoned.
  func row(key: [OnlineValue]) throws -> OnlineRow? {
    let select = try statement(
      .get,
      "SELECT event_time, _partition, _offset\(valueList) FROM \(table) WHERE \(keyMatch) AND _deleted = 0"
    )
    defer { select.reset() }
    try bindKey(key, to: select)
    guard try select.step() else { return nil }
    return OnlineRow(
      key: key, eventTime: select.int64(at: 0),
      partition: Int32(truncatingIfNeeded: select.int64(at: 1)),
      offset: select.int64(at: 2),
      values: valueColumns.enumerated().map {
        select.value(at: Int32($0.offset + 3), as: $0.element.type)
      })
  }

  /// Up to `limit` live rows in primary-key order, starting after `after` (keyset paging,
  /// so a dump never holds a statement open between pages).
  func page(after: [OnlineValue]?, limit: Int) throws -> [OnlineRow] {
    let columns = "\(keyList), event_time, _partition, _offset\(valueList)"
    let select: SQLiteStatement
    if let after {
      let placeholders = (1...keyColumns.count).map { "?\($0)" }.joined(separator: ", ")
      select = try statement(
        .nextPage,
        "SELECT \(columns) FROM \(table) WHERE _deleted = 0 AND (\(keyList)) > (\(placeholders)) ORDER BY \(keyList) LIMIT ?\(keyColumns.count + 1)"
      )
      try bindKey(after, to: select)
      try select.bind(Int64(limit), at: Int32(keyColumns.count + 1))
    } else {
      select = try statement(
        .firstPage,
        "SELECT \(columns) FROM \(table) WHERE _deleted = 0 ORDER BY \(keyList) LIMIT ?1")
      try select.bind(Int64(limit), at: 1)
    }
    defer { select.reset() }
    var rows: [OnlineRow] = []
    rows.reserveCapacity(limit)
    let orderColumn = Int32(keyColumns.count)
    while try select.step() {
      rows.append(
        OnlineRow(
          key: keyColumns.enumerated().map {
            select.value(at: Int32($0.offset), as: $0.element.type)
          },
          eventTime: select.int64(at: orderColumn),
          partition: Int32(truncatingIfNeeded: select.int64(at: orderColumn + 1)),
          offset: select.int64(at: orderColumn + 2),
          values: valueColumns.enumerated().map {
            select.value(at: orderColumn + 3 + Int32($0.offset), as: $0.element.type)
          }))
    }
    return rows
  }

  func liveCount() throws -> Int {
    let count = try statement(.count, "SELECT count(*) FROM \(table) WHERE _deleted = 0")
    defer { count.reset() }
    _ = try count.step()
    return Int(count.int64(at: 0))
  }

  /// Removes an entity's row or tombstone outright; true when a live row was there.
  func remove(key: [OnlineValue]) throws -> Bool {
    orderCache.removeAll()
    let wasLive = try row(key: key) != nil
    let delete = try statement(.remove, "DELETE FROM \(table) WHERE \(keyMatch)")
    try bindKey(key, to: delete)
    try delete.run()
    return wasLive
  }

  /// Drops tombstones older than `eventTime` (micros); returns how many.
  func purgeTombstones(olderThan eventTime: Int64) throws -> Int {
    orderCache.removeAll()
    let purge = try statement(
      .purge, "DELETE FROM \(table) WHERE _deleted = 1 AND event_time < ?1")
    try purge.bind(eventTime, at: 1)
    try purge.run()
    return connection.changes
  }
}
