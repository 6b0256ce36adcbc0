/// One decoded column value. Timestamps are microseconds since the Unix epoch, UTC.
public enum FeatureValue: Sendable, Hashable {
  case null
  case bigint(Int64)
  case double(Double)
  case string(String)
  case boolean(Bool)
  case timestamp(Int64)

  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }
}
