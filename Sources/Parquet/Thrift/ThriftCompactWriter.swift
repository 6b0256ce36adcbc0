/// Field and element type codes of the Thrift compact protocol.
enum ThriftType: UInt8 {
  case stop = 0
  case boolTrue = 1
  case boolFalse = 2
  case byte = 3
  case i16 = 4
  case i32 = 5
  case i64 = 6
  case double = 7
  case binary = 8
  case list = 9
  case set = 10
  case map = 11
  case `struct` = 12
}

/// Serialises Parquet metadata with the Thrift compact protocol. Only the subset Parquet
/// uses is implemented: structs, lists, i32/i64, binary, bool, double.
struct ThriftCompactWriter {
  private(set) var bytes: [UInt8] = []
  private var lastFieldId: Int16 = 0
  private var fieldIdStack: [Int16] = []

  init(reservingCapacity capacity: Int = 256) {
    bytes.reserveCapacity(capacity)
  }

  mutating func structBegin() {
    fieldIdStack.append(lastFieldId)
    lastFieldId = 0
  }

  mutating func structEnd() {
    bytes.append(ThriftType.stop.rawValue)
    lastFieldId = fieldIdStack.popLast() ?? 0
  }

  mutating func fieldHeader(_ id: Int16, _ type: ThriftType) {
    let delta = Int(id) - Int(lastFieldId)
    if delta > 0 && delta <= 15 {
      bytes.append(UInt8(delta) << 4 | type.rawValue)
    } else {
      bytes.append(type.rawValue)
      varint(zigzag(Int64(id)))
    }
    lastFieldId = id
  }

  mutating func i32(_ id: Int16, _ value: Int32) {
    fieldHeader(id, .i32)
    varint(zigzag(Int64(value)))
  }

  mutating func i64(_ id: Int16, _ value: Int64) {
    fieldHeader(id, .i64)
    varint(zigzag(value))
  }

  mutating func bool(_ id: Int16, _ value: Bool) {
    fieldHeader(id, value ? .boolTrue : .boolFalse)
  }

  mutating func binary(_ id: Int16, _ value: [UInt8]) {
    fieldHeader(id, .binary)
    binaryValue(value)
  }

  mutating func string(_ id: Int16, _ value: String) {
    binary(id, Array(value.utf8))
  }

  /// Starts a struct-valued field; the caller writes the fields and calls `structEnd()`.
  mutating func structField(_ id: Int16) {
    fieldHeader(id, .struct)
    structBegin()
  }

  /// Starts a list field; the caller then writes `count` elements of `elementType`.
  mutating func listField(_ id: Int16, _ elementType: ThriftType, count: Int) {
    fieldHeader(id, .list)
    listHeader(elementType, count: count)
  }

  mutating func listHeader(_ elementType: ThriftType, count: Int) {
    if count < 15 {
      bytes.append(UInt8(count) << 4 | elementType.rawValue)
    } else {
      bytes.append(0xF0 | elementType.rawValue)
      varint(UInt64(count))
    }
  }

  mutating func i32Element(_ value: Int32) {
    varint(zigzag(Int64(value)))
  }

  mutating func binaryValue(_ value: [UInt8]) {
    varint(UInt64(value.count))
    bytes.append(contentsOf: value)
  }

  mutating func varint(_ value: UInt64) {
    var remaining = value
    while remaining >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
      remaining >>= 7
    }
    bytes.append(UInt8(remaining))
  }

  private func zigzag(_ value: Int64) -> UInt64 {
    UInt64(bitPattern: (value << 1) ^ (value >> 63))
  }
}
