/// A single typed value from column statistics.
public enum ParquetScalar: Sendable, Equatable {
  case boolean(Bool)
  case int32(Int32)
  case int64(Int64)
  case double(Double)
  case byteArray([UInt8])

  /// The value as UTF-8 text, for `.byteArray`.
  public var stringValue: String? {
    if case .byteArray(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
    return nil
  }

  /// The value widened to Int64, for `.int32` and `.int64`.
  public var int64Value: Int64? {
    switch self {
    case .int32(let value): return Int64(value)
    case .int64(let value): return value
    default: return nil
    }
  }

  /// PLAIN bytes, as statistics store them.
  var plainBytes: [UInt8] {
    switch self {
    case .boolean(let value): return [value ? 1 : 0]
    case .int32(let value): return withUnsafeBytes(of: value.littleEndian) { Array($0) }
    case .int64(let value): return withUnsafeBytes(of: value.littleEndian) { Array($0) }
    case .double(let value):
      return withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) }
    case .byteArray(let bytes): return bytes
    }
  }

  /// Decodes PLAIN statistics bytes; nil when the length does not fit the type.
  init?(plain bytes: [UInt8], physicalType: ParquetPhysicalType) {
    func littleEndian<T: FixedWidthInteger>(_: T.Type) -> T? {
      guard bytes.count == MemoryLayout<T>.size else { return nil }
      var value: T = 0
      for (index, byte) in bytes.enumerated() {
        value |= T(truncatingIfNeeded: byte) << (8 * index)
      }
      return value
    }
    switch physicalType {
    case .boolean:
      guard bytes.count == 1 else { return nil }
      self = .boolean(bytes[0] != 0)
    case .int32:
      guard let value = littleEndian(Int32.self) else { return nil }
      self = .int32(value)
    case .int64:
      guard let value = littleEndian(Int64.self) else { return nil }
      self = .int64(value)
    case .double:
      guard let value = littleEndian(UInt64.self) else { return nil }
      self = .double(Double(bitPattern: value))
    case .byteArray, .fixedLenByteArray:
      self = .byteArray(bytes)
    case .int96, .float:
      return nil
    }
  }

  /// Orders two scalars of the same case: signed integers, IEEE doubles, booleans
  /// false < true, byte arrays unsigned-lexicographically.
  static func isLess(_ lhs: ParquetScalar, _ rhs: ParquetScalar) -> Bool {
    switch (lhs, rhs) {
    case (.boolean(let a), .boolean(let b)): return !a && b
    case (.int32(let a), .int32(let b)): return a < b
    case (.int64(let a), .int64(let b)): return a < b
    case (.double(let a), .double(let b)): return a < b
    case (.byteArray(let a), .byteArray(let b)): return a.lexicographicallyPrecedes(b)
    default: return false
    }
  }
}
