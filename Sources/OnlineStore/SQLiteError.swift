/// An error reported by SQLite, with its result codes and message.
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The primary result code (for example 19, SQLITE_CONSTRAINT).
  public var code: Int32
  /// The extended result code (for example 2067, SQLITE_CONSTRAINT_UNIQUE).
  public var extendedCode: Int32
  public var message: String
  /// What the store was doing: the statement or operation.
  public var context: String

  public init(extendedCode: Int32, message: String, context: String) {
    self.code = extendedCode & 0xff
    self.extendedCode = extendedCode
    self.message = message
    self.context = context
  }

  public var description: String {
    "SQLite error \(code) (extended \(extendedCode)): \(message) [\(context)]"
  }
}
