/// Decodes the Thrift compact protocol from untrusted bytes. Every length and count is
/// checked against the bytes that remain, and nesting is bounded, so a hostile footer or
/// page header ends in `ParquetError.corrupt` rather than a trap, a huge allocation or
/// unbounded recursion.
struct ThriftCompactReader {
  private let bytes: [UInt8]
  private(set) var position: Int
  private let end: Int
  private var lastFieldId: Int16 = 0
  private var fieldIdStack: [Int16] = []
  /// What is being decoded, for error messages ("footer", "page header at 1234").
  let context: String

  static let maxNesting = 64

  init(bytes: [UInt8], start: Int = 0, end: Int? = nil, context: String) {
    self.bytes = bytes
    self.position = start
    self.end = min(end ?? bytes.count, bytes.count)
    self.context = context
  }

  var remaining: Int { end - position }

  func corrupt(_ message: String) -> ParquetError {
    .corrupt("\(context): \(message) at byte \(position)")
  }

  mutating func structBegin() throws {
    guard fieldIdStack.count < Self.maxNesting else { throw corrupt("thrift nesting too deep") }
    fieldIdStack.append(lastFieldId)
    lastFieldId = 0
  }

  mutating func structEnd() {
    lastFieldId = fieldIdStack.popLast() ?? 0
  }

  /// The next field header, or nil at the struct's stop byte.
  mutating func fieldHeader() throws -> (id: Int16, type: ThriftType)? {
    let byte = try readByte()
    if byte == 0 { return nil }
    guard let type = ThriftType(rawValue: byte & 0x0F) else {
      throw corrupt("unknown thrift type \(byte & 0x0F)")
    }
    let delta = byte >> 4
    if delta != 0 {
      lastFieldId &+= Int16(delta)
    } else {
      let raw = try readZigzag()
      guard let id = Int16(exactly: raw) else { throw corrupt("field id out of range") }
      lastFieldId = id
    }
    return (lastFieldId, type)
  }

  mutating func readByte() throws -> UInt8 {
    guard position < end else { throw corrupt("unexpected end of thrift data") }
    let byte = bytes[position]
    position += 1
    return byte
  }

  mutating func readVarint() throws -> UInt64 {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      let byte = try readByte()
      guard shift < 64 else { throw corrupt("varint too long") }
      result |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return result }
      shift += 7
    }
  }

  mutating func readZigzag() throws -> Int64 {
    let raw = try readVarint()
    return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
  }

  mutating func readI32() throws -> Int32 {
    let value = try readZigzag()
    guard let narrowed = Int32(exactly: value) else { throw corrupt("i32 out of range") }
    return narrowed
  }

  mutating func readI64() throws -> Int64 {
    try readZigzag()
  }

  mutating func readDouble() throws -> Double {
    guard remaining >= 8 else { throw corrupt("truncated double") }
    var raw: UInt64 = 0
    for index in 0..<8 { raw |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
    position += 8
    return Double(bitPattern: raw)
  }

  mutating func readBinary() throws -> [UInt8] {
    let length = try readVarint()
    guard length <= UInt64(remaining) else { throw corrupt("binary length \(length) past end") }
    let result = Array(bytes[position..<position + Int(length)])
    position += Int(length)
    return result
  }

  mutating func readString() throws -> String {
    String(decoding: try readBinary(), as: UTF8.self)
  }

  /// A bool stored in a field header's type nibble.
  func boolValue(_ type: ThriftType) throws -> Bool {
    switch type {
    case .boolTrue: return true
    case .boolFalse: return false
    default: throw corrupt("expected bool, found type \(type.rawValue)")
    }
  }

  /// A list header; the count is bounded by the remaining bytes (every element takes at
  /// least one byte), which keeps a lying count from driving a huge allocation.
  mutating func listHeader() throws -> (elementType: ThriftType, count: Int) {
    let byte = try readByte()
    guard let type = ThriftType(rawValue: byte & 0x0F) else {
      throw corrupt("unknown list element type \(byte & 0x0F)")
    }
    var count = Int(byte >> 4)
    if count == 15 {
      let raw = try readVarint()
      guard raw <= UInt64(Int32.max) else { throw corrupt("list size \(raw) too large") }
      count = Int(raw)
    }
    guard count <= remaining else { throw corrupt("list of \(count) elements past end") }
    return (type, count)
  }

  /// Reads a list whose elements are all of `expected` type, decoding each with `element`.
  mutating func readList<T>(
    of expected: ThriftType, _ element: (inout ThriftCompactReader) throws -> T
  ) throws -> [T] {
    let (type, count) = try listHeader()
    guard type == expected || count == 0 else {
      throw corrupt("list element type \(type.rawValue), expected \(expected.rawValue)")
    }
    var result: [T] = []
    result.reserveCapacity(count)
    for _ in 0..<count { result.append(try element(&self)) }
    return result
  }

  /// Skips a value of `type` (unknown or unwanted fields), with bounded nesting.
  mutating func skip(_ type: ThriftType, depth: Int = 0) throws {
    guard depth < Self.maxNesting else { throw corrupt("thrift nesting too deep") }
    switch type {
    case .stop: throw corrupt("unexpected stop")
    case .boolTrue, .boolFalse: return
    case .byte: _ = try readByte()
    case .i16, .i32, .i64: _ = try readVarint()
    case .double:
      guard remaining >= 8 else { throw corrupt("truncated double") }
      position += 8
    case .binary:
      let length = try readVarint()
      guard length <= UInt64(remaining) else { throw corrupt("binary length past end") }
      position += Int(length)
    case .list, .set:
      let (elementType, count) = try listHeader()
      for _ in 0..<count {
        if elementType == .boolTrue || elementType == .boolFalse {
          _ = try readByte()
        } else {
          try skip(elementType, depth: depth + 1)
        }
      }
    case .map:
      let raw = try readVarint()
      guard raw <= UInt64(remaining) else { throw corrupt("map size past end") }
      if raw == 0 { return }
      let types = try readByte()
      guard let keyType = ThriftType(rawValue: types >> 4),
        let valueType = ThriftType(rawValue: types & 0x0F)
      else { throw corrupt("unknown map types") }
      for _ in 0..<Int(raw) {
        try skipElement(keyType, depth: depth + 1)
        try skipElement(valueType, depth: depth + 1)
      }
    case .struct:
      try structBegin()
      while let (_, fieldType) = try fieldHeader() { try skip(fieldType, depth: depth + 1) }
      structEnd()
    }
  }

  private mutating func skipElement(_ type: ThriftType, depth: Int) throws {
    if type == .boolTrue || type == .boolFalse {
      _ = try readByte()
    } else {
      try skip(type, depth: depth)
    }
  }
}
