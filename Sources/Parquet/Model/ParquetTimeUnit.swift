/// The unit of a `.time` or `.timestamp` logical type.
public enum ParquetTimeUnit: Sendable, Hashable {
  case millis
  case micros
  case nanos

  var thriftFieldId: Int16 {
    switch self {
    case .millis: return 1
    case .micros: return 2
    case .nanos: return 3
    }
  }
}
