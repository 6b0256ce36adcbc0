/// `SchemaElement` of parquet.thrift: one node of the flattened (depth-first) schema tree.
struct ThriftSchemaElement: Equatable, Sendable {
  var type: Int32?
  var typeLength: Int32?
  var repetitionType: Int32?
  var name: String = ""
  var numChildren: Int32?
  var convertedType: Int32?
  var scale: Int32?
  var precision: Int32?
  var fieldId: Int32?
  var logicalType: ParquetLogicalType?

  func encode(_ writer: inout ThriftCompactWriter) {
    writer.structBegin()
    if let type { writer.i32(1, type) }
    if let typeLength { writer.i32(2, typeLength) }
    if let repetitionType { writer.i32(3, repetitionType) }
    writer.string(4, name)
    if let numChildren { writer.i32(5, numChildren) }
    if let convertedType { writer.i32(6, convertedType) }
    if let scale { writer.i32(7, scale) }
    if let precision { writer.i32(8, precision) }
    if let fieldId { writer.i32(9, fieldId) }
    if let logicalType {
      writer.structField(10)
      logicalType.encodeFields(&writer)
      writer.structEnd()
    }
    writer.structEnd()
  }

  static func decode(_ reader: inout ThriftCompactReader) throws -> ThriftSchemaElement {
    var element = ThriftSchemaElement()
    var hasName = false
    try reader.structBegin()
    while let (id, type) = try reader.fieldHeader() {
      switch (id, type) {
      case (1, .i32): element.type = try reader.readI32()
      case (2, .i32): element.typeLength = try reader.readI32()
      case (3, .i32): element.repetitionType = try reader.readI32()
      case (4, .binary):
        element.name = try reader.readString()
        hasName = true
      case (5, .i32): element.numChildren = try reader.readI32()
      case (6, .i32): element.convertedType = try reader.readI32()
      case (7, .i32): element.scale = try reader.readI32()
      case (8, .i32): element.precision = try reader.readI32()
      case (9, .i32): element.fieldId = try reader.readI32()
      case (10, .struct): element.logicalType = try ParquetLogicalType.decode(&reader)
      default: try reader.skip(type)
      }
    }
    reader.structEnd()
    guard hasName else { throw reader.corrupt("schema element without a name") }
    return element
  }
}
