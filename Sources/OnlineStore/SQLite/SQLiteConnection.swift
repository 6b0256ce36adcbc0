import CSQLite

/// A thin owner of one `sqlite3*` handle. Everything that touches the C API for a
/// connection lives here or in `SQLiteStatement`, so the rest of the module sees Swift
/// types and `SQLiteError`s only.
final class SQLiteConnection {
  /// Used by this type's files only (SQLiteConnection+WAL.swift among them).
  let handle: OpaquePointer
  let path: String

  /// Set before SQLite's first use in the process (it refuses later, harmlessly).
  private static let configured: Bool = {
    _ = idem_sqlite3_disable_memstatus()
    return true
  }()

  /// Opens `path`. `immutable` (read-only only) tells SQLite that nobody changes the file
  /// while it is open, so that it takes no locks and needs no `-shm` file: what a database
  /// in a read-only directory needs when it has none (`SQLiteOnlineStore.readOnlyConnection`).
  init(path: String, readOnly: Bool, immutable: Bool = false) throws {
    _ = Self.configured
    self.path = path
    var db: OpaquePointer?
    let flags =
      (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
      | SQLITE_OPEN_NOMUTEX | (immutable ? SQLITE_OPEN_URI : 0)
    let name = immutable ? "file:\(Self.uriEscaped(path))?immutable=1" : path
    let status = sqlite3_open_v2(name, &db, flags, nil)
    guard status == SQLITE_OK, let db else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      if let db { sqlite3_close_v2(db) }
      throw SQLiteError(extendedCode: status, message: message, context: "open \(path)")
    }
    handle = db
    sqlite3_extended_result_codes(db, 1)
  }

  /// `path` as the path of a `file:` URI: `%`, `?` and `#` would end or change it.
  static func uriEscaped(_ path: String) -> String {
    var escaped = ""
    for character in path {
      switch character {
      case "%": escaped += "%25"
      case "?": escaped += "%3f"
      case "#": escaped += "%23"
      default: escaped.append(character)
      }
    }
    return escaped
  }

  deinit {
    // close_v2 defers the close until the last statement is finalized, so the order in
    // which Swift releases statements and the connection does not matter.
    sqlite3_close_v2(handle)
  }

  /// The error for the last failed call on this connection.
  func lastError(_ context: String) -> SQLiteError {
    SQLiteError(
      extendedCode: sqlite3_extended_errcode(handle),
      message: String(cString: sqlite3_errmsg(handle)), context: context)
  }

  /// Runs one or more statements that return no rows of interest.
  func execute(_ sql: String) throws {
    var errorMessage: UnsafeMutablePointer<CChar>?
    let status = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
    if status != SQLITE_OK {
      let message =
        errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(status))
      sqlite3_free(errorMessage)
      throw SQLiteError(
        extendedCode: sqlite3_extended_errcode(handle), message: message, context: sql)
    }
  }

  /// Compiles a statement meant to be reused many times.
  func prepare(_ sql: String) throws -> SQLiteStatement {
    var statement: OpaquePointer?
    let status = sqlite3_prepare_v3(
      handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
    guard status == SQLITE_OK, let statement else {
      throw lastError(sql)
    }
    return SQLiteStatement(handle: statement, connection: self, sql: sql)
  }

  /// The single value of the first row of `sql`, as text (for pragmas and checks).
  func scalarText(_ sql: String) throws -> String? {
    let statement = try prepare(sql)
    guard try statement.step() else { return nil }
    return statement.isNull(at: 0) ? nil : statement.text(at: 0)
  }

  /// Runs `body` inside a read transaction (`BEGIN … COMMIT`): every statement in it sees
  /// one committed state of the database, whatever a writer commits meanwhile.
  func readTransaction<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN")
    defer { if sqlite3_get_autocommit(handle) == 0 { try? execute("COMMIT") } }
    return try body()
  }

  /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back when it throws, so that a
  /// batch that fails halfway leaves nothing behind.
  func transaction<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN IMMEDIATE")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      // A failed COMMIT may already have ended the transaction; autocommit tells.
      if sqlite3_get_autocommit(handle) == 0 {
        try? execute("ROLLBACK")
      }
      throw error
    }
  }
}

extension SQLiteConnection {
  /// Writes the open transaction's dirty pages to the WAL now, as frames no reader sees
  /// until the commit (`sqlite3_db_cacheflush`): the commit then writes only what changes
  /// after this call. Used before the online apply waits for the offline commit, so that
  /// the wait, not the commit, pays for the frames.
  func writeDirtyPages() throws {
    let status = sqlite3_db_cacheflush(handle)
    if status != SQLITE_OK { throw lastError("sqlite3_db_cacheflush") }
  }

  /// Rows changed by the last INSERT, UPDATE or DELETE.
  var changes: Int { Int(sqlite3_changes(handle)) }
}
