/// Every failure the Parquet module reports. Corrupt or hostile input always ends in one of
/// these cases (never a trap), so callers can dead-letter or skip a file with a reason.
public enum ParquetError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file could not be opened, read or written; the message names the path and errno.
  case io(String)
  /// The bytes are not a Parquet file (magic number missing or file too short).
  case notParquet(String)
  /// The file claims something impossible: a length past its end, a count larger than the
  /// bytes that hold it, an unknown enum value, a decompression failure.
  case corrupt(String)
  /// A valid Parquet feature this library does not implement (e.g. an encoding or codec).
  case unsupported(String)
  /// The caller passed data that does not fit the schema or the writer's state.
  case invalidArgument(String)

  public var description: String {
    switch self {
    case .io(let message): return "parquet I/O error: \(message)"
    case .notParquet(let message): return "not a parquet file: \(message)"
    case .corrupt(let message): return "corrupt parquet data: \(message)"
    case .unsupported(let message): return "unsupported parquet feature: \(message)"
    case .invalidArgument(let message): return "invalid argument: \(message)"
    }
  }
}
