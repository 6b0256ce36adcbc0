import OnlineStore
import PostgresNIO

/// The online store in PostgreSQL (`online.url: postgres://...`): the same rules as the
/// embedded `SQLiteOnlineStore`, in a database that many serving processes read.
///
/// Everything lives in one schema named after `kafka.group_id`: one table per group version
/// (`<group>_v<version>`, ordinary typed columns, see `PostgresGroupTable`) beside the
/// store's own tables (`PostgresMetadata`). A batch is one transaction, and last-write-wins
/// is decided by the database (`INSERT ... ON CONFLICT ... DO UPDATE ... WHERE` the new
/// order is greater), with each group's writes sent as arrays in one statement.
///
/// The protocol is synchronous; `PostgresSession` runs postgres-nio on its own event loop
/// and waits on the calling thread. The data-dir lock is the caller's (the service takes it
/// for the data dir, which still holds the offline tables); one writer per group id is
/// what the exactly-once protocol needs, as with the embedded store.
public final class PostgresOnlineStore: OnlineStore {
  public let schemas: [OnlineTableSchema]
  public let location: PostgresLocation
  /// The PostgreSQL schema the store's tables live in: `kafka.group_id`.
  public let namespace: String
  let access: OnlineStoreAccess
  let session: PostgresSession
  let metadata: PostgresMetadata
  private(set) var tables: [String: PostgresGroupTable] = [:]
  /// Groups whose table does not exist yet (`readOnlyNewTablesEmpty`): they read as empty.
  private var emptyGroups: Set<String> = []
  /// Whether the store's own tables exist (a read-only open of a schema never written has
  /// none).
  private var hasMetadata = true

  /// PostgreSQL keeps 63 bytes of a name and silently cuts the rest, so two long names
  /// could become one; such names are refused instead.
  static let maximumNameBytes = 63

  /// Opens (creating when writable) the store in schema `namespace` of the database at
  /// `location`, with one table per schema.
  public init(
    location: PostgresLocation, namespace: String, schemas: [OnlineTableSchema],
    access: OnlineStoreAccess = .readWrite
  ) throws {
    self.location = location
    self.namespace = namespace
    self.schemas = schemas
    self.access = access
    metadata = PostgresMetadata(namespace: namespace)
    try Self.validate(schemas, namespace: namespace, location: location)
    session = try PostgresSession(location: location)
    do {
      try checkEncoding()
      if access == .readWrite {
        try session.transaction { try register() }
      } else {
        try checkRegistered()
      }
    } catch {
      session.close()
      throw error
    }
  }

  /// Ends the connection and the event loop. Later calls throw.
  public func close() {
    session.close()
  }

  /// `"name"`, with quotes inside doubled: identifiers are always quoted, so any group,
  /// feature or group id is taken as written (case included).
  public static func quote(_ identifier: String) -> String {
    "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  private static func validate(
    _ schemas: [OnlineTableSchema], namespace: String, location: PostgresLocation
  ) throws {
    func tooLong(_ what: String, _ name: String) -> PostgresOnlineStoreError {
      .unsupported(
        location: location.description,
        reason:
          "\(what) '\(name)' is \(name.utf8.count) bytes; PostgreSQL keeps \(maximumNameBytes) — shorten it"
      )
    }
    if namespace.isEmpty || namespace.contains("\0") {
      throw PostgresOnlineStoreError.unsupported(
        location: location.description, reason: "kafka.group_id must be a non-empty name")
    }
    if namespace.utf8.count > maximumNameBytes { throw tooLong("kafka.group_id", namespace) }
    var groups = Set<String>()
    var tableNames = Set<String>()
    for schema in schemas {
      try schema.validate()
      guard groups.insert(schema.group).inserted else {
        throw OnlineStoreError.invalidSchema(
          group: schema.group, reason: "the group is listed twice")
      }
      guard tableNames.insert(schema.tableName).inserted else {
        throw OnlineStoreError.invalidSchema(
          group: schema.group,
          reason: "its table name '\(schema.tableName)' collides with another group's")
      }
      if schema.tableName.utf8.count > maximumNameBytes {
        throw tooLong("the table name", schema.tableName)
      }
      for column in schema.features where column.name.utf8.count > maximumNameBytes {
        throw tooLong("the feature name", column.name)
      }
    }
  }

  /// Text must reach the database as it is, so the database must be UTF-8.
  private func checkEncoding() throws {
    let result = try session.query("SHOW server_encoding", context: "SHOW server_encoding")
    let encoding = try result.first?.decode(String.self) ?? "unknown"
    guard encoding.uppercased() == "UTF8" else {
      throw PostgresOnlineStoreError.unsupported(
        location: location.description,
        reason:
          "the database encoding is \(encoding), not UTF8; create the database with ENCODING 'UTF8'"
      )
    }
  }

  /// Creates the schema, the store's tables and one table per schema; a group version
  /// registered before must have the same definition.
  private func register() throws {
    for statement in metadata.create {
      try session.query(PostgresQuery(unsafeSQL: statement), context: "creating the store's tables")
    }
    for schema in schemas {
      if let stored = try storedDefinition(of: schema) {
        try check(schema, stored: stored)
      } else {
        try session.query(
          "INSERT INTO \(unescaped: metadata.schemas) VALUES (\(schema.group), \(schema.version), \(schema.tableName), \(schema.canonicalDefinition))",
          context: "registering \(schema.tableName)")
      }
      let table = PostgresGroupTable(schema: schema, namespace: namespace)
      try session.query(
        PostgresQuery(unsafeSQL: table.createSQL), context: "creating \(schema.tableName)")
      try session.query(
        PostgresQuery(unsafeSQL: table.commentSQL), context: "commenting \(schema.tableName)")
      tables[schema.group] = table
    }
  }

  /// A read-only open: every schema must be registered as configured, except new group
  /// versions under `readOnlyNewTablesEmpty`, which read as empty.
  private func checkRegistered() throws {
    let registry = "\(Self.quote(namespace))._idemstream_schemas"
    let exists =
      try session.query(
        "SELECT to_regclass(\(registry)) IS NOT NULL", context: "looking for the store"
      ).first?.decode(Bool.self) ?? false
    hasMetadata = exists
    for schema in schemas {
      let stored = exists ? try storedDefinition(of: schema) : nil
      guard let stored else {
        if access == .readOnlyNewTablesEmpty {
          emptyGroups.insert(schema.group)
          continue
        }
        throw OnlineStoreError.invalidSchema(
          group: schema.group,
          reason:
            "version \(schema.version) has no table in schema \(Self.quote(namespace)) of PostgreSQL at \(location) yet; run the service once"
        )
      }
      try check(schema, stored: stored)
      tables[schema.group] = PostgresGroupTable(schema: schema, namespace: namespace)
    }
  }

  private func storedDefinition(of schema: OnlineTableSchema) throws -> String? {
    let result = try session.query(
      "SELECT definition FROM \(unescaped: metadata.schemas) WHERE group_name = \(schema.group) AND version = \(schema.version)",
      context: "reading the schema registry")
    if let row = result.first { return try row.decode(String.self) }
    let owner = try session.query(
      "SELECT group_name FROM \(unescaped: metadata.schemas) WHERE table_name = \(schema.tableName)",
      context: "reading the schema registry")
    if let row = owner.first {
      throw OnlineStoreError.invalidSchema(
        group: schema.group,
        reason:
          "its table name '\(schema.tableName)' is already used by feature group '\(try row.decode(String.self))'"
      )
    }
    return nil
  }

  private func check(_ schema: OnlineTableSchema, stored: String) throws {
    guard stored == schema.canonicalDefinition else {
      throw OnlineStoreError.schemaMismatch(
        group: schema.group, version: schema.version, stored: stored,
        given: schema.canonicalDefinition)
    }
  }

  func writable() throws {
    guard access == .readWrite else { throw OnlineStoreError.readOnly }
  }

  func table(_ group: String) throws -> PostgresGroupTable {
    guard let table = tables[group] else { throw OnlineStoreError.unknownGroup(group) }
    return table
  }

  func checkedKey(_ key: [OnlineValue], for table: PostgresGroupTable) throws -> [OnlineValue] {
    if let reason = table.schema.keyMismatch(key) {
      throw OnlineStoreError.invalidKey(group: table.schema.group, reason: reason)
    }
    for (value, column) in zip(key, table.keyColumns) {
      if let reason = PostgresCells.unstorable(value, column: column.name) {
        throw OnlineStoreError.invalidKey(group: table.schema.group, reason: reason)
      }
    }
    return key
  }

  // MARK: Reads

  public func registeredSchemas() throws -> [OnlineTableSchema] {
    guard hasMetadata else { return [] }
    return try session.query(
      "SELECT group_name, version, definition FROM \(unescaped: metadata.schemas) ORDER BY 1, 2",
      context: "reading the schema registry"
    ).compactMap { row in
      let (group, version, definition) = try row.decode((String, Int32, String).self)
      return OnlineTableSchema(
        group: group, version: Int(version), canonicalDefinition: definition)
    }
  }

  public func get(group: String, key: [OnlineValue]) throws -> OnlineRow? {
    if emptyGroups.contains(group) { return nil }
    let table = try table(group)
    let key = try checkedKey(key, for: table)
    var binds = PostgresBindings()
    table.bindKey(key, to: &binds)
    let result = try session.query(
      PostgresQuery(
        unsafeSQL:
          "SELECT \(table.rowColumns) FROM \(table.qualifiedName) WHERE \(table.keyMatch(firstParameter: 1)) AND NOT _deleted",
        binds: binds), context: "reading \(table.schema.tableName)")
    return try result.first.map { try table.row(from: $0) }
  }

  /// One statement, so the row and the version come from one snapshot: one commit's state.
  public func getWithVersion(group: String, key: [OnlineValue], table tableName: String) throws
    -> (row: OnlineRow?, version: Int64?)
  {
    let table = try table(group)
    let key = try checkedKey(key, for: table)
    var binds = PostgresBindings()
    table.bindKey(key, to: &binds)
    binds.append(tableName)
    let versionParameter = table.keyColumns.count + 1
    let result = try session.query(
      PostgresQuery(
        unsafeSQL: """
          SELECT (SELECT version FROM \(metadata.appliedVersions) WHERE table_name = $\(versionParameter)),
            live.*
          FROM (SELECT 1) AS one LEFT JOIN (
            SELECT \(table.rowColumns) FROM \(table.qualifiedName)
            WHERE \(table.keyMatch(firstParameter: 1)) AND NOT _deleted) AS live ON true
          """, binds: binds), context: "reading \(table.schema.tableName)")
    guard let first = result.first else {
      throw PostgresOnlineStoreError.unexpectedResult(
        context: "a read with its version, with no row")
    }
    let cells = first.makeRandomAccess()
    let version = try cells[0].decode(Int64?.self)
    let row = cells[1].bytes == nil ? nil : try table.row(from: first, at: 1)
    return (row, version)
  }

  public func storedOrder(group: String, key: [OnlineValue]) throws -> OnlineWriteOrder? {
    if emptyGroups.contains(group) { return nil }
    let table = try table(group)
    let key = try checkedKey(key, for: table)
    var binds = PostgresBindings()
    table.bindKey(key, to: &binds)
    let result = try session.query(
      PostgresQuery(
        unsafeSQL:
          "SELECT event_time, _partition, _offset FROM \(table.qualifiedName) WHERE \(table.keyMatch(firstParameter: 1))",
        binds: binds), context: "reading \(table.schema.tableName)")
    guard let row = result.first else { return nil }
    let cells = row.makeRandomAccess()
    return OnlineWriteOrder(
      eventTime: try PostgresCells.micros(cells[0]), partition: try cells[1].decode(Int32.self),
      offset: try cells[2].decode(Int64.self))
  }

  /// Keyset paging on the primary key (`(k1, k2) > ($1, $2)`), which its index serves.
  public func rows(group: String, after: [OnlineValue]?, limit: Int) throws -> [OnlineRow] {
    if emptyGroups.contains(group) { return [] }
    let table = try table(group)
    var binds = PostgresBindings()
    var condition = "NOT _deleted"
    if let after {
      table.bindKey(try checkedKey(after, for: table), to: &binds)
      let placeholders = (1...table.keyColumns.count).map { "$\($0)" }.joined(separator: ", ")
      condition += " AND (\(table.keyList)) > (\(placeholders))"
    }
    binds.append(Int64(max(1, limit)))
    let result = try session.query(
      PostgresQuery(
        unsafeSQL:
          "SELECT \(table.rowColumns) FROM \(table.qualifiedName) WHERE \(condition) ORDER BY \(table.keyList) LIMIT $\(binds.count)",
        binds: binds), context: "reading \(table.schema.tableName)")
    return try result.map { try table.row(from: $0) }
  }

  public func count(group: String) throws -> Int {
    if emptyGroups.contains(group) { return 0 }
    let table = try table(group)
    let result = try session.query(
      PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table.qualifiedName) WHERE NOT _deleted"),
      context: "counting \(table.schema.tableName)")
    return Int(try result.first?.decode(Int64.self) ?? 0)
  }

  public func positions() throws -> [PartitionPosition] {
    guard hasMetadata else { return [] }
    return try session.query(
      "SELECT table_name, topic, kafka_partition, last_offset, log_clock FROM \(unescaped: metadata.positions) ORDER BY 1, 2, 3",
      context: "reading positions"
    ).map { row in
      let (table, topic, partition, offset, clock) = try row.decode(
        (String, String, Int32, Int64, Int64?).self)
      return PartitionPosition(
        table: table, topic: topic, partition: partition, offset: offset,
        logClockMillis: clock ?? .min)
    }
  }

  public func appliedVersions() throws -> [String: Int64] {
    guard hasMetadata else { return [:] }
    var versions: [String: Int64] = [:]
    for row in try session.query(
      "SELECT table_name, version FROM \(unescaped: metadata.appliedVersions)",
      context: "reading applied versions")
    {
      let (table, version) = try row.decode((String, Int64).self)
      versions[table] = version
    }
    return versions
  }

  /// Pages of 50,000 in append order, so a million entries never sit in one result.
  public func forEachDedupEntry(_ body: (DedupEntryRecord) throws -> Void) throws {
    guard hasMetadata else { return }
    var after: Int64 = 0
    while true {
      let page = try session.query(
        """
        SELECT seq, key_hash_high, key_hash_low, fingerprint, kafka_partition, kafka_offset,
          log_clock, table_tag FROM \(unescaped: metadata.dedupEntries)
        WHERE seq > \(after) ORDER BY seq LIMIT 50000
        """, context: "reading dedup entries")
      for row in page {
        let (seq, entry) = try PostgresMetadata.dedupEntry(from: row)
        try body(entry)
        after = seq
      }
      if page.count < 50_000 { return }
    }
  }
}
