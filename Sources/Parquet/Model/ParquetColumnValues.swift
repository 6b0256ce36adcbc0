/// One column of a batch, Arrow-style: one slot per row, and an optional validity mask
/// (`true` = present) for nullable columns; a null slot's value is ignored by the writer
/// and is zero/empty when read. A nil mask means every row is present. Timestamps are
/// `.int64` microseconds since the epoch.
public enum ParquetColumnValues: Sendable, Equatable {
  case boolean([Bool], validity: [Bool]?)
  case int32([Int32], validity: [Bool]?)
  case int64([Int64], validity: [Bool]?)
  case double([Double], validity: [Bool]?)
  case byteArray(ByteArrayColumn, validity: [Bool]?)

  /// Strings as a `.byteArray` column; nil elements are nulls.
  public static func strings(_ values: [String?]) -> ParquetColumnValues {
    var column = ByteArrayColumn()
    var validity = [Bool]()
    validity.reserveCapacity(values.count)
    for value in values {
      if let value { column.append(value) } else { column.appendEmpty() }
      validity.append(value != nil)
    }
    return .byteArray(column, validity: validity.contains(false) ? validity : nil)
  }

  /// Number of rows (slots, nulls included).
  public var count: Int {
    switch self {
    case .boolean(let values, _): return values.count
    case .int32(let values, _): return values.count
    case .int64(let values, _): return values.count
    case .double(let values, _): return values.count
    case .byteArray(let values, _): return values.count
    }
  }

  public var validity: [Bool]? {
    switch self {
    case .boolean(_, let validity), .int32(_, let validity), .int64(_, let validity),
      .double(_, let validity), .byteArray(_, let validity):
      return validity
    }
  }

  public var physicalType: ParquetPhysicalType {
    switch self {
    case .boolean: return .boolean
    case .int32: return .int32
    case .int64: return .int64
    case .double: return .double
    case .byteArray: return .byteArray
    }
  }

  public func isNull(at index: Int) -> Bool {
    guard let validity else { return false }
    return !validity[index]
  }

  public var nullCount: Int {
    guard let validity else { return 0 }
    return validity.reduce(0) { $0 + ($1 ? 0 : 1) }
  }

  /// Rows `range` as a new batch column.
  public func slice(_ range: Range<Int>) -> ParquetColumnValues {
    let mask = validity.map { Array($0[range]) }
    switch self {
    case .boolean(let values, _): return .boolean(Array(values[range]), validity: mask)
    case .int32(let values, _): return .int32(Array(values[range]), validity: mask)
    case .int64(let values, _): return .int64(Array(values[range]), validity: mask)
    case .double(let values, _): return .double(Array(values[range]), validity: mask)
    case .byteArray(let values, _): return .byteArray(values.slice(range), validity: mask)
    }
  }
}
