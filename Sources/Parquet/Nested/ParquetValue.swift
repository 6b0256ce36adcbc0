/// A value of the row-wise API used for nested data (Delta checkpoints): primitives,
/// structs, `map<string, _>` and lists. Rows are `[String: ParquetValue]` keyed by
/// top-level field name; a field left out of a struct or row is null.
///
/// Equality treats two NaNs as equal, so a value read back compares equal to what was
/// written.
public indirect enum ParquetValue: Sendable, Equatable, CustomStringConvertible {
  case null
  case boolean(Bool)
  case int32(Int32)
  case int64(Int64)
  case double(Double)
  case string(String)
  case bytes([UInt8])
  case `struct`([String: ParquetValue])
  case map([(key: String, value: ParquetValue)])
  case list([ParquetValue])

  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// `.int64`, or `.int32` widened.
  public var int64Value: Int64? {
    switch self {
    case .int64(let value): return value
    case .int32(let value): return Int64(value)
    default: return nil
    }
  }

  public var boolValue: Bool? {
    if case .boolean(let value) = self { return value }
    return nil
  }

  public var doubleValue: Double? {
    if case .double(let value) = self { return value }
    return nil
  }

  /// Field `name` of a struct (nil when not a struct or the field is absent).
  public subscript(field name: String) -> ParquetValue? {
    if case .struct(let fields) = self { return fields[name] }
    return nil
  }

  public static func == (lhs: ParquetValue, rhs: ParquetValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.boolean(let a), .boolean(let b)): return a == b
    case (.int32(let a), .int32(let b)): return a == b
    case (.int64(let a), .int64(let b)): return a == b
    case (.double(let a), .double(let b)): return a == b || (a.isNaN && b.isNaN)
    case (.string(let a), .string(let b)): return a == b
    case (.bytes(let a), .bytes(let b)): return a == b
    case (.struct(let a), .struct(let b)): return a == b
    case (.list(let a), .list(let b)): return a == b
    case (.map(let a), .map(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    default: return false
    }
  }

  public var description: String {
    switch self {
    case .null: return "null"
    case .boolean(let value): return "\(value)"
    case .int32(let value): return "\(value)"
    case .int64(let value): return "\(value)"
    case .double(let value): return "\(value)"
    case .string(let value): return "\"\(value)\""
    case .bytes(let value): return "bytes(\(value.count))"
    case .struct(let fields):
      return "{"
        + fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        + "}"
    case .map(let pairs):
      return "map{" + pairs.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
    case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
    }
  }
}
