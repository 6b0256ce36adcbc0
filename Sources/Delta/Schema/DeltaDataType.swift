/// A primitive column type of a Delta schema, named as Spark names it in the schema string.
///
/// Nested types (struct, array, map) are not supported for data columns: the feature tables
/// this module serves are flat, and refusing them loudly beats misreading them.
public enum DeltaDataType: Sendable, Hashable {
  case string
  case long
  case integer
  case short
  case byte
  case float
  case double
  case boolean
  case binary
  case date
  /// Microseconds since the epoch, UTC-adjusted.
  case timestamp
  /// Microseconds since the epoch, no time zone (table feature `timestampNtz`).
  case timestampWithoutTimeZone
  case decimal(precision: Int, scale: Int)

  /// The name in the Spark JSON schema.
  public var sparkName: String {
    switch self {
    case .string: return "string"
    case .long: return "long"
    case .integer: return "integer"
    case .short: return "short"
    case .byte: return "byte"
    case .float: return "float"
    case .double: return "double"
    case .boolean: return "boolean"
    case .binary: return "binary"
    case .date: return "date"
    case .timestamp: return "timestamp"
    case .timestampWithoutTimeZone: return "timestamp_ntz"
    case .decimal(let precision, let scale): return "decimal(\(precision),\(scale))"
    }
  }

  /// Parses a Spark primitive type name; nil for names this module does not know.
  public init?(sparkName name: String) {
    switch name {
    case "string": self = .string
    case "long": self = .long
    case "integer": self = .integer
    case "short": self = .short
    case "byte": self = .byte
    case "float": self = .float
    case "double": self = .double
    case "boolean": self = .boolean
    case "binary": self = .binary
    case "date": self = .date
    case "timestamp": self = .timestamp
    case "timestamp_ntz": self = .timestampWithoutTimeZone
    default:
      guard name.hasPrefix("decimal("), name.hasSuffix(")") else { return nil }
      let numbers = name.dropFirst("decimal(".count).dropLast().split(separator: ",")
      guard numbers.count == 2,
        let precision = Int(numbers[0].trimmingCharacters(in: .whitespaces)),
        let scale = Int(numbers[1].trimmingCharacters(in: .whitespaces))
      else { return nil }
      self = .decimal(precision: precision, scale: scale)
    }
  }
}
