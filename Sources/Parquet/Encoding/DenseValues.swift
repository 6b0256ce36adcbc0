/// The non-null values of one leaf column, back to back (levels say where nulls are).
enum DenseValues: Sendable {
  case boolean([Bool])
  case int32([Int32])
  case int64([Int64])
  case double([Double])
  case byteArray(ByteArrayColumn)

  var count: Int {
    switch self {
    case .boolean(let values): return values.count
    case .int32(let values): return values.count
    case .int64(let values): return values.count
    case .double(let values): return values.count
    case .byteArray(let values): return values.count
    }
  }

  /// Splits an Arrow-style batch column into validity-derived definition levels (nil for a
  /// required column) and the dense non-null values.
  static func fromBatch(_ column: ParquetColumnValues, optional: Bool) -> (
    levels: [UInt8]?, values: DenseValues
  ) {
    guard optional else {
      switch column {
      case .boolean(let values, _): return (nil, .boolean(values))
      case .int32(let values, _): return (nil, .int32(values))
      case .int64(let values, _): return (nil, .int64(values))
      case .double(let values, _): return (nil, .double(values))
      case .byteArray(let values, _): return (nil, .byteArray(values))
      }
    }
    guard let validity = column.validity, validity.contains(false) else {
      return ([UInt8](repeating: 1, count: column.count), fromBatch(column, optional: false).values)
    }
    let levels = validity.map { $0 ? UInt8(1) : 0 }
    switch column {
    case .boolean(let values, _): return (levels, .boolean(gather(values, validity)))
    case .int32(let values, _): return (levels, .int32(gather(values, validity)))
    case .int64(let values, _): return (levels, .int64(gather(values, validity)))
    case .double(let values, _): return (levels, .double(gather(values, validity)))
    case .byteArray(let values, _):
      var dense = ByteArrayColumn()
      dense.reserveCapacity(values: values.count, bytes: values.bytes.count)
      values.bytes.withUnsafeBytes { bytes in
        values.offsets.withUnsafeBufferPointer { offsets in
          for index in 0..<values.count where validity[index] {
            dense.append(
              UnsafeRawBufferPointer(rebasing: bytes[Int(offsets[index])..<Int(offsets[index + 1])])
            )
          }
        }
      }
      return (levels, .byteArray(dense))
    }
  }

  private static func gather<T>(_ values: [T], _ validity: [Bool]) -> [T] {
    var result = [T]()
    result.reserveCapacity(values.count)
    for index in 0..<values.count where validity[index] { result.append(values[index]) }
    return result
  }
}
