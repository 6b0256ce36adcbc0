/// One column of a batch's writes, Arrow-style: a dense array of values (a placeholder
/// where null) and, when anything is null, a validity mask.
///
/// The ingestion batch hands its own column arrays over (copy-on-write shares them), so
/// the apply reads cells where they already are, with no value built per cell.
public struct OnlineColumnValues: Sendable {
  public enum Storage: Sendable {
    /// bigint and timestamp (microseconds) columns.
    case integers([Int64])
    case doubles([Double])
    /// boolean columns.
    case booleans([Bool])
    /// UTF-8 bytes back to back; value `i` is `bytes[offsets[i]..<offsets[i + 1]]`.
    case strings(bytes: [UInt8], offsets: [Int32])
  }

  public let type: OnlineColumnType
  public let storage: Storage
  /// Per value, false where null; nil when nothing is null.
  public let validity: [Bool]?

  public init(type: OnlineColumnType, storage: Storage, validity: [Bool]?) {
    self.type = type
    self.storage = storage
    self.validity = validity
  }

  /// Builds a column from typed values (null anywhere); values must fit `type`.
  public init(type: OnlineColumnType, values: [OnlineValue]) {
    self.type = type
    let validity = values.map { !$0.isNull }
    self.validity = validity.allSatisfy { $0 } ? nil : validity
    switch type {
    case .bigint, .timestamp:
      storage = .integers(
        values.map {
          switch $0 {
          case .bigint(let number), .timestamp(let number): return number
          default: return 0
          }
        })
    case .boolean:
      storage = .booleans(values.map { if case .boolean(let flag) = $0 { flag } else { false } })
    case .double:
      storage = .doubles(values.map { if case .double(let number) = $0 { number } else { 0 } })
    case .string:
      var bytes: [UInt8] = []
      var offsets: [Int32] = [0]
      offsets.reserveCapacity(values.count + 1)
      for value in values {
        if case .string(let text) = value { bytes.append(contentsOf: text.utf8) }
        offsets.append(Int32(bytes.count))
      }
      storage = .strings(bytes: bytes, offsets: offsets)
    }
  }
}
