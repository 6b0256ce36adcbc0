/// The feature types of the contract (section 2), as the online store keeps them.
///
/// SQLite has no boolean or timestamp storage class, so `boolean` is stored as 0/1 and
/// `timestamp` as epoch microseconds, both in INTEGER columns of a STRICT table.
public enum OnlineColumnType: String, Sendable, Hashable, CaseIterable {
  case bigint
  case double
  case string
  case boolean
  /// Epoch microseconds, UTC.
  case timestamp

  /// The SQLite column type used in STRICT tables.
  var sqlType: String {
    switch self {
    case .bigint, .boolean, .timestamp: return "INTEGER"
    case .double: return "REAL"
    case .string: return "TEXT"
    }
  }
}
