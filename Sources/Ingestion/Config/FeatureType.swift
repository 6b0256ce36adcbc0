/// The column types a feature may have (docs/reference.md). Nothing is coerced between them
/// except a JSON integer given for a `double`.
public enum FeatureType: String, Sendable, CaseIterable, Hashable {
  /// A JSON integer within the signed 64-bit range.
  case bigint
  /// Any JSON number.
  case double
  /// A JSON string.
  case string
  /// `true` or `false`.
  case boolean
  /// Epoch milliseconds (JSON integer) or an RFC 3339 string; held as microseconds UTC.
  case timestamp
}
