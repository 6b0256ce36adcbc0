#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Computes min/max over dense values with the orderings the Parquet spec fixes for each
/// type: signed integers, IEEE doubles without NaN (zeros widened to -0.0 / +0.0),
/// booleans false < true, byte arrays unsigned-lexicographically.
enum StatisticsBuilder {
  static func statistics(of values: DenseValues, nullCount: Int) -> ParquetStatistics {
    var result = ParquetStatistics(nullCount: Int64(nullCount))
    switch values {
    case .boolean(let values):
      if !values.isEmpty {
        result.min = .boolean(!values.contains(false))
        result.max = .boolean(values.contains(true))
      }
    case .int32(let values):
      if let (low, high) = integerRange(values) {
        (result.min, result.max) = (.int32(low), .int32(high))
      }
    case .int64(let values):
      if let (low, high) = integerRange(values) {
        (result.min, result.max) = (.int64(low), .int64(high))
      }
    case .double(let values):
      if let (low, high) = doubleRange(values) {
        (result.min, result.max) = (.double(low), .double(high))
      }
    case .byteArray(let values):
      if let (low, high) = byteRange(values) {
        (result.min, result.max) = (.byteArray(Array(values[low])), .byteArray(Array(values[high])))
      }
    }
    return result
  }

  private static func integerRange<T: FixedWidthInteger>(_ values: [T]) -> (T, T)? {
    guard !values.isEmpty else { return nil }
    return values.withUnsafeBufferPointer { buffer in
      var low = T.max
      var high = T.min
      for value in buffer {
        low = Swift.min(low, value)
        high = Swift.max(high, value)
      }
      return (low, high)
    }
  }

  private static func doubleRange(_ values: [Double]) -> (Double, Double)? {
    var low = Double.infinity
    var high = -Double.infinity
    var seen = false
    values.withUnsafeBufferPointer { buffer in
      for value in buffer where !value.isNaN {
        seen = true
        if value < low { low = value }
        if value > high { high = value }
      }
    }
    guard seen else { return nil }
    if low == 0 { low = -0.0 }
    if high == 0 { high = 0.0 }
    return (low, high)
  }

  /// Indices of the smallest and largest value.
  private static func byteRange(_ values: ByteArrayColumn) -> (Int, Int)? {
    guard values.count > 0 else { return nil }
    return values.bytes.withUnsafeBytes { bytes in
      values.offsets.withUnsafeBufferPointer { offsets in
        func compare(_ a: Int, _ b: Int) -> Int32 {
          let aStart = Int(offsets[a])
          let aLength = Int(offsets[a + 1]) - aStart
          let bStart = Int(offsets[b])
          let bLength = Int(offsets[b + 1]) - bStart
          let common = Swift.min(aLength, bLength)
          if common > 0 {
            let order = memcmp(bytes.baseAddress! + aStart, bytes.baseAddress! + bStart, common)
            if order != 0 { return order }
          }
          return aLength < bLength ? -1 : (aLength > bLength ? 1 : 0)
        }
        var low = 0
        var high = 0
        for index in 1..<values.count {
          if compare(index, low) < 0 { low = index }
          if compare(index, high) > 0 { high = index }
        }
        return (low, high)
      }
    }
  }
}
