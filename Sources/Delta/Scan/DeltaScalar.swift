/// A single typed value of a Delta column, as predicates compare it against file statistics.
public enum DeltaScalar: Sendable, Hashable {
  case long(Int64)
  case double(Double)
  case string(String)
  case boolean(Bool)
  /// Microseconds since the epoch, UTC.
  case timestamp(Int64)
  /// Days since the epoch.
  case date(Int32)

  /// Reads a statistics value (JSON as the writer stored it) as a value of `type`;
  /// nil when the type is not comparable here or the value does not parse.
  init?(statistic: JSONValue, type: DeltaDataType) {
    switch (type, statistic) {
    case (.long, _), (.integer, _), (.short, _), (.byte, _):
      guard let value = statistic.int64Value else { return nil }
      self = .long(value)
    case (.double, .double(let value)), (.float, .double(let value)): self = .double(value)
    case (.double, .integer(let value)), (.float, .integer(let value)):
      self = .double(Double(value))
    case (.string, .string(let value)): self = .string(value)
    case (.boolean, .bool(let value)): self = .boolean(value)
    case (.timestamp, .string(let text)), (.timestampWithoutTimeZone, .string(let text)):
      guard let micros = TimestampText.parseMicroseconds(text) else { return nil }
      self = .timestamp(micros)
    case (.date, .string(let text)):
      guard let days = TimestampText.parseDays(text) else { return nil }
      self = .date(days)
    default:
      return nil
    }
  }

  /// The order of two values of the same kind; nil when the kinds differ.
  static func compare(_ lhs: DeltaScalar, _ rhs: DeltaScalar) -> Int? {
    func order<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }
    switch (lhs, rhs) {
    case (.long(let a), .long(let b)): return order(a, b)
    case (.double(let a), .double(let b)): return order(a, b)
    case (.long(let a), .double(let b)): return order(Double(a), b)
    case (.double(let a), .long(let b)): return order(a, Double(b))
    case (.string(let a), .string(let b)):
      return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : (a == b ? 0 : 1)
    case (.boolean(let a), .boolean(let b)): return a == b ? 0 : (!a ? -1 : 1)
    case (.timestamp(let a), .timestamp(let b)): return order(a, b)
    case (.date(let a), .date(let b)): return order(a, b)
    default: return nil
    }
  }
}
