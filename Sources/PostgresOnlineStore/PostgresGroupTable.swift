import OnlineStore
import PostgresNIO

/// One group version's table in PostgreSQL and the SQL that reads and writes it.
///
/// Layout: the primary-key columns, `event_time` (timestamptz), the features in declaration
/// order, then what last-write-wins needs besides: `_partition` and `_offset` (the rest of
/// the held write's order) and `_deleted` (true for a tombstone, whose features are null).
/// Ordinary typed columns, so `SELECT * FROM "<group_id>".<group>_v<version> WHERE NOT
/// _deleted` in psql shows the live rows.
struct PostgresGroupTable {
  let schema: OnlineTableSchema
  let keyColumns: [OnlineColumn]
  let valueColumns: [OnlineColumn]
  /// `"<group_id>"."<group>_v<version>"`.
  let qualifiedName: String

  init(schema: OnlineTableSchema, namespace: String) {
    self.schema = schema
    keyColumns = schema.keyColumns
    valueColumns = schema.valueColumns
    qualifiedName =
      PostgresOnlineStore.quote(namespace) + "." + PostgresOnlineStore.quote(schema.tableName)
  }

  private func quoted(_ columns: [OnlineColumn], prefix: String = "") -> [String] {
    columns.map { prefix + PostgresOnlineStore.quote($0.name) }
  }

  var keyList: String { quoted(keyColumns).joined(separator: ", ") }

  var createSQL: String {
    let keys = keyColumns.map {
      "\(PostgresOnlineStore.quote($0.name)) \($0.type.postgresType) NOT NULL"
    }
    let values = valueColumns.map {
      "\(PostgresOnlineStore.quote($0.name)) \($0.type.postgresType)"
    }
    let columns =
      keys + ["event_time timestamptz NOT NULL"] + values
      + [
        "_partition integer NOT NULL", "_offset bigint NOT NULL",
        "_deleted boolean NOT NULL DEFAULT false", "PRIMARY KEY (\(keyList))",
      ]
    return "CREATE TABLE IF NOT EXISTS \(qualifiedName) (\(columns.joined(separator: ", ")))"
  }

  var commentSQL: String {
    let text =
      "idemstream online store: the latest write per entity of feature group \(schema.group) "
      + "version \(schema.version); rows with _deleted are tombstones"
    return
      "COMMENT ON TABLE \(qualifiedName) IS '\(text.replacingOccurrences(of: "'", with: "''"))'"
  }

  /// What a row query selects, in the order `row(from:at:)` reads: keys, then the order,
  /// then the features.
  var rowColumns: String {
    (quoted(keyColumns) + ["event_time", "_partition", "_offset"] + quoted(valueColumns))
      .joined(separator: ", ")
  }

  /// `"k1" = $first AND "k2" = $first+1 ...`
  func keyMatch(firstParameter: Int) -> String {
    keyColumns.enumerated().map {
      "\(PostgresOnlineStore.quote($0.element.name)) = $\(firstParameter + $0.offset)"
    }.joined(separator: " AND ")
  }

  func bindKey(_ key: [OnlineValue], to binds: inout PostgresBindings) {
    for (value, column) in zip(key, keyColumns) {
      PostgresCells.bind(value, as: column.type, to: &binds)
    }
  }

  /// The row of a result whose columns from `first` on are `rowColumns`.
  func row(from row: PostgresRow, at first: Int = 0) throws -> OnlineRow {
    let cells = row.makeRandomAccess()
    var index = first
    var key: [OnlineValue] = []
    for column in keyColumns {
      key.append(try PostgresCells.value(cells[index], as: column.type))
      index += 1
    }
    let eventTime = try PostgresCells.micros(cells[index])
    let partition = try cells[index + 1].decode(Int32.self)
    let offset = try cells[index + 2].decode(Int64.self)
    index += 3
    var values: [OnlineValue] = []
    for column in valueColumns {
      values.append(try PostgresCells.value(cells[index], as: column.type))
      index += 1
    }
    return OnlineRow(
      key: key, eventTime: eventTime, partition: partition, offset: offset, values: values)
  }

  /// Writes an entity's row or tombstone whatever it held: a repair, outside last-write-wins.
  func replaceQuery(
    key: [OnlineValue], order: OnlineWriteOrder, deleted: Bool, values: [OnlineValue]
  )
    -> PostgresQuery
  {
    var binds = PostgresBindings()
    bindKey(key, to: &binds)
    binds.append(PostgresCells.Timestamp(micros: order.eventTime))
    binds.append(order.partition)
    binds.append(order.offset)
    binds.append(deleted)
    for (index, column) in valueColumns.enumerated() {
      PostgresCells.bind(deleted ? .null : values[index], as: column.type, to: &binds)
    }
    let assigned = ["event_time", "_partition", "_offset", "_deleted"] + quoted(valueColumns)
    let placeholders = (1...(keyColumns.count + assigned.count)).map { "$\($0)" }
    let updates = assigned.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
    return PostgresQuery(
      unsafeSQL: """
        INSERT INTO \(qualifiedName) (\(keyList), \(assigned.joined(separator: ", "))) \
        VALUES (\(placeholders.joined(separator: ", "))) \
        ON CONFLICT (\(keyList)) DO UPDATE SET \(updates)
        """, binds: binds)
  }

  /// The batch statement: every write of the batch as arrays, last-write-wins decided by
  /// the database, and per write (in processing order) the entity it belongs to and the
  /// order the table held for that entity before the statement, which the apply counts
  /// stale writes against. See `PostgresOnlineStore.apply`.
  ///
  /// `input` numbers its columns (`c0`, ...) so that no feature name can collide with them.
  /// Each entity's greatest write of the batch is picked by `DISTINCT ON` (an upsert may
  /// touch a row once per statement), and the upsert replaces the held row only when that
  /// write's order is greater. `held` reads the table as it was before the statement: every
  /// part of one statement sees the same snapshot.
  var applySQL: String {
    let keyCount = keyColumns.count
    let columnTypes =
      keyColumns.map { $0.type.postgresArrayCast }
      + ["timestamptz[]", "integer[]", "bigint[]", "boolean[]"]
      + valueColumns.map { $0.type.postgresArrayCast }
    let parameters = columnTypes.enumerated().map { "$\($0.offset + 1)::\($0.element)" }
    let aliases = columnTypes.indices.map { "c\($0)" }
    let keyInput = (0..<keyCount).map { "input.c\($0)" }
    let eventTime = "input.c\(keyCount)"
    let partition = "input.c\(keyCount + 1)"
    let offset = "input.c\(keyCount + 2)"
    let join = keyColumns.enumerated().map {
      "held_row.\(PostgresOnlineStore.quote($0.element.name)) = input.c\($0.offset)"
    }.joined(separator: " AND ")
    let targetColumns =
      quoted(keyColumns) + ["event_time", "_partition", "_offset", "_deleted"]
      + quoted(valueColumns)
    let assigned = targetColumns.dropFirst(keyCount)
    let updates = assigned.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
    return """
      WITH input AS (
        SELECT * FROM unnest(\(parameters.joined(separator: ", "))) WITH ORDINALITY
          AS input(\(aliases.joined(separator: ", ")), ordinal)
      ),
      held AS (
        SELECT input.ordinal, dense_rank() OVER (ORDER BY \(keyInput.joined(separator: ", "))) AS entity,
          held_row.event_time, held_row._partition, held_row._offset
        FROM input LEFT JOIN \(qualifiedName) AS held_row ON \(join)
      ),
      written AS (
        INSERT INTO \(qualifiedName) AS stored (\(targetColumns.joined(separator: ", ")))
        SELECT DISTINCT ON (\(keyInput.joined(separator: ", "))) \
      \(aliases.map { "input.\($0)" }.joined(separator: ", "))
        FROM input
        ORDER BY \(keyInput.joined(separator: ", ")), \(eventTime) DESC, \(partition) DESC, \(offset) DESC
        ON CONFLICT (\(keyList)) DO UPDATE SET \(updates)
        WHERE (excluded.event_time, excluded._partition, excluded._offset)
          > (stored.event_time, stored._partition, stored._offset)
        RETURNING 1
      )
      SELECT held.entity, held.event_time, held._partition, held._offset,
        (SELECT count(*) FROM written)
      FROM held ORDER BY held.ordinal
      """
  }
}
