/// The store's own tables: schema registry, partition positions, applied Delta versions
/// and the dedup log's committed name and length. They change in the same transactions as
/// the feature rows, which is what makes a batch atomic across all of them.
enum MetadataSQL {
  static let create = """
    CREATE TABLE IF NOT EXISTS _idemstream_schemas (
      group_name TEXT NOT NULL, version INTEGER NOT NULL, table_name TEXT NOT NULL,
      definition TEXT NOT NULL, PRIMARY KEY (group_name, version)) STRICT;
    CREATE TABLE IF NOT EXISTS _idemstream_table_positions (
      table_name TEXT NOT NULL, topic TEXT NOT NULL, kafka_partition INTEGER NOT NULL,
      last_offset INTEGER NOT NULL, log_clock INTEGER,
      PRIMARY KEY (table_name, topic, kafka_partition)) WITHOUT ROWID, STRICT;
    CREATE TABLE IF NOT EXISTS _idemstream_applied_versions (
      table_name TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID, STRICT;
    CREATE TABLE IF NOT EXISTS _idemstream_dedup_log (
      id INTEGER PRIMARY KEY CHECK (id = 1), file_name TEXT NOT NULL,
      committed_length INTEGER NOT NULL, generation INTEGER NOT NULL,
      record_size INTEGER NOT NULL DEFAULT 48) STRICT;
    INSERT OR IGNORE INTO _idemstream_dedup_log (id, file_name, committed_length, generation)
    VALUES (1, 'dedup.log', 0, 0);
    """

  /// Moves a store an earlier version made, with one position per partition shared by all
  /// tables (`_idemstream_positions`), to positions per table: each registered table starts
  /// from the shared one, with no log clock (it starts again from the next record's
  /// timestamp). Runs in the opening transaction, after `create`.
  ///
  /// A dedup log from before entries named their table has no `record_size`: its records
  /// are `DedupEntryRecord.legacyEncodedSize` bytes (the store rewrites it on opening).
  static func upgrade(on connection: SQLiteConnection) throws {
    if try !dedupLogHasRecordSize(on: connection) {
      try connection.execute(
        """
        ALTER TABLE _idemstream_dedup_log ADD COLUMN record_size INTEGER NOT NULL
        DEFAULT \(DedupEntryRecord.legacyEncodedSize)
        """)
    }
    guard try hasSharedPositions(on: connection) else { return }
    try connection.execute(
      """
      INSERT OR IGNORE INTO _idemstream_table_positions
      SELECT s.table_name, p.topic, p.kafka_partition, p.last_offset, NULL
      FROM _idemstream_positions p, _idemstream_schemas s;
      DROP TABLE _idemstream_positions
      """)
  }

  private static func hasSharedPositions(on connection: SQLiteConnection) throws -> Bool {
    let select = try connection.prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_idemstream_positions'")
    return try select.step()
  }

  private static func dedupLogHasRecordSize(on connection: SQLiteConnection) throws -> Bool {
    let select = try connection.prepare(
      "SELECT 1 FROM pragma_table_info('_idemstream_dedup_log') WHERE name = 'record_size'")
    return try select.step()
  }

  private static func hasTablePositions(on connection: SQLiteConnection) throws -> Bool {
    let select = try connection.prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_idemstream_table_positions'")
    return try select.step()
  }

  static func storedDefinition(of schema: OnlineTableSchema, on connection: SQLiteConnection) throws
    -> String?
  {
    let select = try connection.prepare(
      "SELECT definition FROM _idemstream_schemas WHERE group_name = ?1 AND version = ?2")
    try select.bind(schema.group, at: 1)
    try select.bind(Int64(schema.version), at: 2)
    return try select.step() ? select.text(at: 0) : nil
  }

  /// Every group version the store has a table for, in (group, version) order.
  static func registeredSchemas(on connection: SQLiteConnection) throws -> [OnlineTableSchema] {
    let select = try connection.prepare(
      "SELECT group_name, version, definition FROM _idemstream_schemas ORDER BY 1, 2")
    var schemas: [OnlineTableSchema] = []
    while try select.step() {
      if let schema = OnlineTableSchema(
        group: select.text(at: 0), version: Int(select.int64(at: 1)),
        canonicalDefinition: select.text(at: 2))
      {
        schemas.append(schema)
      }
    }
    return schemas
  }

  static func groupOwning(tableName: String, on connection: SQLiteConnection) throws -> String? {
    let select = try connection.prepare(
      "SELECT group_name FROM _idemstream_schemas WHERE lower(table_name) = lower(?1)")
    try select.bind(tableName, at: 1)
    return try select.step() ? select.text(at: 0) : nil
  }

  static func insertDefinition(of schema: OnlineTableSchema, on connection: SQLiteConnection) throws
  {
    let insert = try connection.prepare("INSERT INTO _idemstream_schemas VALUES (?1, ?2, ?3, ?4)")
    try insert.bind(schema.group, at: 1)
    try insert.bind(Int64(schema.version), at: 2)
    try insert.bind(schema.tableName, at: 3)
    try insert.bind(schema.canonicalDefinition, at: 4)
    try insert.run()
  }

  /// Positions only move forward: replaying an earlier range must not send consumption back.
  /// The clock moves with the position it belongs to.
  static func advance(_ positions: [PartitionPosition], on connection: SQLiteConnection) throws {
    guard !positions.isEmpty else { return }
    let upsert = try connection.prepare(
      """
      INSERT INTO _idemstream_table_positions VALUES (?1, ?2, ?3, ?4, ?5)
      ON CONFLICT (table_name, topic, kafka_partition)
      DO UPDATE SET last_offset = excluded.last_offset, log_clock = excluded.log_clock
      WHERE excluded.last_offset > last_offset
      """)
    for position in positions {
      try upsert.bind(position.table, at: 1)
      try upsert.bind(position.topic, at: 2)
      try upsert.bind(Int64(position.partition), at: 3)
      try upsert.bind(position.offset, at: 4)
      if position.logClockMillis == .min {
        try upsert.bindNull(at: 5)
      } else {
        try upsert.bind(position.logClockMillis, at: 5)
      }
      try upsert.run()
    }
  }

  /// Applied versions only move forward, like positions.
  static func advance(_ versions: [String: Int64], on connection: SQLiteConnection) throws {
    guard !versions.isEmpty else { return }
    let upsert = try connection.prepare(
      """
      INSERT INTO _idemstream_applied_versions VALUES (?1, ?2) ON CONFLICT (table_name)
      DO UPDATE SET version = max(version, excluded.version)
      """)
    for (table, version) in versions {
      try upsert.bind(table, at: 1)
      try upsert.bind(version, at: 2)
      try upsert.run()
    }
  }

  static func positions(on connection: SQLiteConnection) throws -> [PartitionPosition] {
    // A store of an earlier version opened read-only: its shared positions, per table.
    let source =
      try hasTablePositions(on: connection)
      ? "SELECT table_name, topic, kafka_partition, last_offset, log_clock FROM _idemstream_table_positions"
      : try hasSharedPositions(on: connection)
        ? """
        SELECT s.table_name, p.topic, p.kafka_partition, p.last_offset, NULL
        FROM _idemstream_positions p, _idemstream_schemas s
        """ : nil
    guard let source else { return [] }
    let select = try connection.prepare(
      "SELECT * FROM (\(source)) ORDER BY 1, 2, 3")
    var positions: [PartitionPosition] = []
    while try select.step() {
      positions.append(
        PartitionPosition(
          table: select.text(at: 0), topic: select.text(at: 1),
          partition: Int32(truncatingIfNeeded: select.int64(at: 2)),
          offset: select.int64(at: 3),
          logClockMillis: select.isNull(at: 4) ? .min : select.int64(at: 4)))
    }
    return positions
  }

  static func appliedVersions(on connection: SQLiteConnection) throws -> [String: Int64] {
    let select = try connection.prepare(
      "SELECT table_name, version FROM _idemstream_applied_versions")
    var versions: [String: Int64] = [:]
    while try select.step() { versions[select.text(at: 0)] = select.int64(at: 1) }
    return versions
  }

  struct DedupLogState {
    var fileName: String
    var committedLength: Int64
    var generation: Int64
    /// The size of each record in the file: `DedupEntryRecord.encodedSize`, or its legacy
    /// size in a log not yet rewritten.
    var recordSize: Int
  }

  static func dedupLogState(on connection: SQLiteConnection) throws -> DedupLogState {
    let hasRecordSize = try dedupLogHasRecordSize(on: connection)
    let select = try connection.prepare(
      "SELECT file_name, committed_length, generation"
        + (hasRecordSize ? ", record_size" : "") + " FROM _idemstream_dedup_log WHERE id = 1")
    guard try select.step() else {
      // A read-only open of a store whose metadata was never created.
      return DedupLogState(
        fileName: "dedup.log", committedLength: 0, generation: 0,
        recordSize: DedupEntryRecord.encodedSize)
    }
    return DedupLogState(
      fileName: select.text(at: 0), committedLength: select.int64(at: 1),
      generation: select.int64(at: 2),
      recordSize: hasRecordSize
        ? Int(select.int64(at: 3)) : DedupEntryRecord.legacyEncodedSize)
  }

  static func setDedupLogState(_ state: DedupLogState, on connection: SQLiteConnection) throws {
    let update = try connection.prepare(
      """
      UPDATE _idemstream_dedup_log
      SET file_name = ?1, committed_length = ?2, generation = ?3, record_size = ?4 WHERE id = 1
      """)
    try update.bind(state.fileName, at: 1)
    try update.bind(state.committedLength, at: 2)
    try update.bind(state.generation, at: 3)
    try update.bind(Int64(state.recordSize), at: 4)
    try update.run()
  }
}
