/// Thrift compact encoding of the `LogicalType` union.
extension ParquetLogicalType {
  func encodeFields(_ writer: inout ThriftCompactWriter) {
    func empty(_ id: Int16) {
      writer.structField(id)
      writer.structEnd()
    }
    switch self {
    case .string: empty(1)
    case .map: empty(2)
    case .list: empty(3)
    case .enumeration: empty(4)
    case .decimal(let scale, let precision):
      writer.structField(5)
      writer.i32(1, scale)
      writer.i32(2, precision)
      writer.structEnd()
    case .date: empty(6)
    case .time(let utc, let unit), .timestamp(let utc, let unit):
      if case .time = self { writer.structField(7) } else { writer.structField(8) }
      writer.bool(1, utc)
      writer.structField(2)
      empty(unit.thriftFieldId)
      writer.structEnd()
      writer.structEnd()
    case .integer(let bitWidth, let isSigned):
      writer.structField(10)
      writer.fieldHeader(1, .byte)
      writer.varint(UInt64(UInt8(bitPattern: bitWidth)))
      writer.bool(2, isSigned)
      writer.structEnd()
    case .unknown: empty(11)
    case .json: empty(12)
    case .bson: empty(13)
    case .uuid: empty(14)
    case .other(let id): empty(id)
    }
  }

  static func decode(_ reader: inout ThriftCompactReader) throws -> ParquetLogicalType {
    var result: ParquetLogicalType?
    try reader.structBegin()
    while let (id, type) = try reader.fieldHeader() {
      guard type == .struct else {
        try reader.skip(type)
        continue
      }
      switch id {
      case 1: result = .string
      case 2: result = .map
      case 3: result = .list
      case 4: result = .enumeration
      case 5: result = try decodeDecimal(&reader)
      case 6: result = .date
      case 7, 8:
        let (utc, unit) = try decodeTime(&reader)
        result =
          id == 7
          ? .time(isAdjustedToUTC: utc, unit: unit) : .timestamp(isAdjustedToUTC: utc, unit: unit)
      case 10: result = try decodeInteger(&reader)
      case 11: result = .unknown
      case 12: result = .json
      case 13: result = .bson
      case 14: result = .uuid
      default: result = .other(fieldId: id)
      }
      if case .decimal = result {
      } else if case .time = result {
      } else if case .timestamp = result {
      } else if case .integer = result {
      } else {
        try reader.skip(.struct)
      }
    }
    reader.structEnd()
    guard let result else { throw reader.corrupt("empty logical type") }
    return result
  }

  private static func decodeDecimal(_ reader: inout ThriftCompactReader) throws
    -> ParquetLogicalType
  {
    var scale: Int32 = 0
    var precision: Int32 = 0
    try reader.structBegin()
    while let (id, type) = try reader.fieldHeader() {
      switch (id, type) {
      case (1, .i32): scale = try reader.readI32()
      case (2, .i32): precision = try reader.readI32()
      default: try reader.skip(type)
      }
    }
    reader.structEnd()
    return .decimal(scale: scale, precision: precision)
  }

  private static func decodeTime(_ reader: inout ThriftCompactReader) throws -> (
    Bool, ParquetTimeUnit
  ) {
    var utc = false
    var unit = ParquetTimeUnit.micros
    try reader.structBegin()
    while let (id, type) = try reader.fieldHeader() {
      switch (id, type) {
      case (1, .boolTrue), (1, .boolFalse): utc = try reader.boolValue(type)
      case (2, .struct):
        try reader.structBegin()
        while let (unitId, unitType) = try reader.fieldHeader() {
          switch unitId {
          case 1: unit = .millis
          case 2: unit = .micros
          case 3: unit = .nanos
          default: break
          }
          try reader.skip(unitType)
        }
        reader.structEnd()
      default: try reader.skip(type)
      }
    }
    reader.structEnd()
    return (utc, unit)
  }

  private static func decodeInteger(_ reader: inout ThriftCompactReader) throws
    -> ParquetLogicalType
  {
    var bitWidth: Int8 = 0
    var signed = true
    try reader.structBegin()
    while let (id, type) = try reader.fieldHeader() {
      switch (id, type) {
      case (1, .byte): bitWidth = Int8(bitPattern: try reader.readByte())
      case (2, .boolTrue), (2, .boolFalse): signed = try reader.boolValue(type)
      default: try reader.skip(type)
      }
    }
    reader.structEnd()
    return .integer(bitWidth: bitWidth, isSigned: signed)
  }
}
