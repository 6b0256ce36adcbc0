/// One cell of an online row: a typed feature or key value, or null.
///
/// A plain enum rather than `Any` so that writes can be type-checked against the schema
/// before the transaction starts, and so that keys can be hashed when a batch is
/// collapsed per entity.
public enum OnlineValue: Sendable, Hashable {
  case null
  case bigint(Int64)
  case double(Double)
  case string(String)
  case boolean(Bool)
  /// Epoch microseconds, UTC.
  case timestamp(Int64)

  /// The column type this value belongs to; `nil` for null, which fits every column.
  public var columnType: OnlineColumnType? {
    switch self {
    case .null: return nil
    case .bigint: return .bigint
    case .double: return .double
    case .string: return .string
    case .boolean: return .boolean
    case .timestamp: return .timestamp
    }
  }

  /// Whether the value may stand in a column of `type` (null fits every column).
  package func fits(_ type: OnlineColumnType) -> Bool {
    switch (self, type) {
    case (.null, _), (.bigint, .bigint), (.double, .double), (.string, .string),
      (.boolean, .boolean), (.timestamp, .timestamp):
      return true
    default:
      return false
    }
  }

  /// NaN has no place in a key: SQLite stores it as NULL.
  package var isNaN: Bool {
    if case .double(let number) = self { return number.isNaN }
    return false
  }

  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }
}

extension OnlineValue: CustomStringConvertible {
  public var description: String {
    switch self {
    case .null: return "null"
    case .bigint(let value): return String(value)
    case .double(let value): return String(value)
    case .string(let value): return "\"\(value)\""
    case .boolean(let value): return String(value)
    case .timestamp(let micros): return "timestamp(\(micros)µs)"
    }
  }
}
