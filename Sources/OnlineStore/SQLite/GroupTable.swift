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
  private var statements: [String: SQLiteStatement] = [:]

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
    return "CREATE TABLE IF NOT EXISTS \(table) (\(columns.joined(separator: ", "))) WITHOUT ROWID, STRICT"
  }

  private func statement(_ name: String, _ sql: @autoclosure () -> String) throws -> SQLiteStatement {
    if let cached = statements[name] { return cached }
    let prepared = try connection.prepare(sql())
    statements[name] = prepared
    return prepared
  }

  /// Checks a key's arity and types against the primary key.
  func validateKey(_ key: [OnlineValue]) -> String? {
    guard key.count == keyColumns.count else {
      return "expected \(keyColumns.count) primary-key value(s) (\(keyColumns.map(\.name).joined(separator: ", "))), got \(key.count)"
    }
    for (value, column) in zip(key, keyColumns) where value.columnType != column.type {
      return value.isNull
        ? "primary-key column '\(column.name)' is null"
        : "primary-key column '\(column.name)' is \(column.type.rawValue), got \(value)"
    }
    return nil
  }

  /// Checks feature values' arity and types; null fits every feature.
  func validateValues(_ values: [OnlineValue]) -> String? {
    guard values.count == valueColumns.count else {
      return "expected \(valueColumns.count) feature value(s) (\(valueColumns.map(\.name).joined(separator: ", "))), got \(values.count)"
    }
    for (value, column) in zip(values, valueColumns) {
      if let type = value.columnType, type != column.type {
        return "feature '\(column.name)' is \(column.type.rawValue), got \(value)"
      }
    }
    return nil
  }

  private func bindKey(_ key: [OnlineValue], to statement: SQLiteStatement) throws {
    for (index, value) in key.enumerated() { try statement.bind(value, at: Int32(index + 1)) }
  }

  /// The order of the write the entity holds (row or tombstone), or nil for an unknown entity.
  func storedOrder(key: [OnlineValue]) throws -> OnlineWriteOrder? {
    let select = try statement(
      "order", "SELECT event_time, _partition, _offset FROM \(table) WHERE \(keyMatch)")
    defer { select.reset() }
    try bindKey(key, to: select)
    guard try select.step() else { return nil }
    return OnlineWriteOrder(
      eventTime: select.int64(at: 0), partition: Int32(truncatingIfNeeded: select.int64(at: 1)),
      offset: select.int64(at: 2))
  }

  /// Writes an entity's row (or tombstone, with null features) whatever it held before.
  func write(key: [OnlineValue], order: OnlineWriteOrder, deleted: Bool, values: [OnlineValue]) throws {
    let upsert = try statement("upsert", upsertSQL)
    try bindKey(key, to: upsert)
    var index = Int32(key.count + 1)
    try upsert.bind(order.eventTime, at: index)
    try upsert.bind(Int64(order.partition), at: index + 1)
    try upsert.bind(order.offset, at: index + 2)
    try upsert.bind(Int64(deleted ? 1 : 0), at: index + 3)
    index += 4
    for column in 0..<valueColumns.count {
      try upsert.bind(deleted ? .null : values[column], at: index + Int32(column))
    }
    try upsert.run()
  }

  private var upsertSQL: String {
    let columnCount = keyColumns.count + 4 + valueColumns.count
    let placeholders = (1...columnCount).map { "?\($0)" }.joined(separator: ", ")
    let updates = (["event_time", "_partition", "_offset", "_deleted"] + valueColumns.map { Self.quote($0.name) })
      .map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
    return """
      INSERT INTO \(table) (\(keyList), event_time, _partition, _offset, _deleted\(valueList)) \
      VALUES (\(placeholders)) ON CONFLICT (\(keyList)) DO UPDATE SET \(updates)
      """
  }

  /// The live row of an entity; nil when absent or tombstoned.
  func row(key: [OnlineValue]) throws -> OnlineRow? {
    let select = try statement(
      "get",
      "SELECT event_time, _partition, _offset\(valueList) FROM \(table) WHERE \(keyMatch) AND _deleted = 0")
    defer { select.reset() }
    try bindKey(key, to: select)
    guard try select.step() else { return nil }
    return OnlineRow(
      key: key, eventTime: select.int64(at: 0), partition: Int32(truncatingIfNeeded: select.int64(at: 1)),
      offset: select.int64(at: 2),
      values: valueColumns.enumerated().map { select.value(at: Int32($0.offset + 3), as: $0.element.type) })
  }

  /// Up to `limit` live rows in primary-key order, starting after `after` (keyset paging,
  /// so a dump never holds a statement open between pages).
  func page(after: [OnlineValue]?, limit: Int) throws -> [OnlineRow] {
    let columns = "\(keyList), event_time, _partition, _offset\(valueList)"
    let select: SQLiteStatement
    if let after {
      let placeholders = (1...keyColumns.count).map { "?\($0)" }.joined(separator: ", ")
      select = try statement(
        "next page",
        "SELECT \(columns) FROM \(table) WHERE _deleted = 0 AND (\(keyList)) > (\(placeholders)) ORDER BY \(keyList) LIMIT ?\(keyColumns.count + 1)"
      )
      try bindKey(after, to: select)
      try select.bind(Int64(limit), at: Int32(keyColumns.count + 1))
    } else {
      select = try statement(
        "first page", "SELECT \(columns) FROM \(table) WHERE _deleted = 0 ORDER BY \(keyList) LIMIT ?1")
      try select.bind(Int64(limit), at: 1)
    }
    defer { select.reset() }
    var rows: [OnlineRow] = []
    rows.reserveCapacity(limit)
    let orderColumn = Int32(keyColumns.count)
    while try select.step() {
      rows.append(
        OnlineRow(
          key: keyColumns.enumerated().map { select.value(at: Int32($0.offset), as: $0.element.type) },
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
    let count = try statement("count", "SELECT count(*) FROM \(table) WHERE _deleted = 0")
    defer { count.reset() }
    _ = try count.step()
    return Int(count.int64(at: 0))
  }

  /// Removes an entity's row or tombstone outright; true when a live row was there.
  func remove(key: [OnlineValue]) throws -> Bool {
    let wasLive = try row(key: key) != nil
    let delete = try statement("remove", "DELETE FROM \(table) WHERE \(keyMatch)")
    try bindKey(key, to: delete)
    try delete.run()
    return wasLive
  }

  /// Drops tombstones older than `eventTime` (micros); returns how many.
  func purgeTombstones(olderThan eventTime: Int64) throws -> Int {
    let purge = try statement(
      "purge", "DELETE FROM \(table) WHERE _deleted = 1 AND event_time < ?1")
    try purge.bind(eventTime, at: 1)
    try purge.run()
    return connection.changes
  }
}
