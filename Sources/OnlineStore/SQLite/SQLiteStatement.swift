import CSQLite

/// A prepared statement: bind, step, read columns, reset. Reused across rows and batches
/// so that SQL is compiled once per store.
final class SQLiteStatement {
  private let handle: OpaquePointer
  // Kept strongly so the connection outlives every statement compiled on it.
  private let connection: SQLiteConnection
  let sql: String

  init(handle: OpaquePointer, connection: SQLiteConnection, sql: String) {
    self.handle = handle
    self.connection = connection
    self.sql = sql
  }

  deinit {
    sqlite3_finalize(handle)
  }

  /// Tells SQLite to copy bound text before the call returns.
  private static var transient: sqlite3_destructor_type {
    unsafeBitCast(-1, to: sqlite3_destructor_type.self)
  }

  private func check(_ status: Int32) throws {
    if status != SQLITE_OK { throw connection.lastError(sql) }
  }

  func bind(_ value: Int64, at index: Int32) throws {
    try check(sqlite3_bind_int64(handle, index, value))
  }

  func bind(_ value: Double, at index: Int32) throws {
    try check(sqlite3_bind_double(handle, index, value))
  }

  func bind(_ value: String, at index: Int32) throws {
    // The UTF-8 view hands out its bytes without copying a small string to the heap, which
    // `withUTF8` on a `var` would do; SQLite copies them (transient) before returning.
    let status =
      value.utf8.withContiguousStorageIfAvailable { bindText($0, at: index) }
      ?? Array(value.utf8).withUnsafeBufferPointer { bindText($0, at: index) }
    try check(status)
  }

  private func bindText(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int32) -> Int32 {
    bindTextStatus(UnsafeRawBufferPointer(utf8), at: index)
  }

  /// Binds UTF-8 bytes as text (SQLite copies them before returning).
  func bindText(_ utf8: UnsafeRawBufferPointer, at index: Int32) throws {
    try check(bindTextStatus(utf8, at: index))
  }

  private func bindTextStatus(_ utf8: UnsafeRawBufferPointer, at index: Int32) -> Int32 {
    // An empty buffer may have no base address, and a nil pointer would bind NULL.
    guard let base = utf8.baseAddress, !utf8.isEmpty else {
      return sqlite3_bind_text(handle, index, "", 0, Self.transient)
    }
    return sqlite3_bind_text(
      handle, index, base.assumingMemoryBound(to: CChar.self), Int32(utf8.count), Self.transient)
  }

  /// Binds UTF-8 bytes as text without SQLite copying them: the caller keeps them alive
  /// and unchanged until this parameter is bound again (every use binds all parameters
  /// before it steps) or the statement is finalized.
  func bindStaticText(_ base: UnsafeRawPointer, count: Int, at index: Int32) throws {
    try check(
      sqlite3_bind_text(
        handle, index, base.assumingMemoryBound(to: CChar.self), Int32(count), nil))
  }

  func bindNull(at index: Int32) throws {
    try check(sqlite3_bind_null(handle, index))
  }

  /// Binds a typed value; booleans become 0/1, timestamps their microseconds.
  func bind(_ value: OnlineValue, at index: Int32) throws {
    switch value {
    case .null: try bindNull(at: index)
    case .bigint(let number), .timestamp(let number): try bind(number, at: index)
    case .double(let number): try bind(number, at: index)
    case .string(let text): try bind(text, at: index)
    case .boolean(let flag): try bind(Int64(flag ? 1 : 0), at: index)
    }
  }

  /// Advances; true when a row is available, false when the statement is done.
  func step() throws -> Bool {
    switch sqlite3_step(handle) {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    default:
      let error = connection.lastError(sql)
      sqlite3_reset(handle)
      throw error
    }
  }

  /// Steps a statement that returns no rows, then resets it for the next use.
  func run() throws {
    defer { reset() }
    while try step() {}
  }

  /// Makes the statement ready for new bindings; the old ones are overwritten by the caller.
  func reset() {
    sqlite3_reset(handle)
  }

  func isNull(at column: Int32) -> Bool {
    sqlite3_column_type(handle, column) == SQLITE_NULL
  }

  func int64(at column: Int32) -> Int64 {
    sqlite3_column_int64(handle, column)
  }

  func double(at column: Int32) -> Double {
    sqlite3_column_double(handle, column)
  }

  func text(at column: Int32) -> String {
    // Ask for the text first: column_bytes then reports the length of that UTF-8 form.
    guard let pointer = sqlite3_column_text(handle, column) else { return "" }
    let count = Int(sqlite3_column_bytes(handle, column))
    return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
  }

  /// Reads a column back as the schema's type.
  func value(at column: Int32, as type: OnlineColumnType) -> OnlineValue {
    if isNull(at: column) { return .null }
    switch type {
    case .bigint: return .bigint(int64(at: column))
    case .double: return .double(double(at: column))
    case .string: return .string(text(at: column))
    case .boolean: return .boolean(int64(at: column) != 0)
    case .timestamp: return .timestamp(int64(at: column))
    }
  }
}
