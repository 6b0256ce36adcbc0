/// `FileMetaData` of parquet.thrift: the footer.
struct ThriftFileMetaData: Sendable {
  var version: Int32 = 2
  var schema: [ThriftSchemaElement] = []
  var numRows: Int64 = 0
  var rowGroups: [ThriftRowGroup] = []
  var keyValueMetadata: [ThriftKeyValue]?
  var createdBy: String?
  /// Number of leaf columns for which a TypeDefinedOrder is written (0: none).
  var typeDefinedColumnOrders: Int = 0

  func encode(_ writer: inout ThriftCompactWriter) {
    writer.structBegin()
    writer.i32(1, version)
    writer.listField(2, .struct, count: schema.count)
    for element in schema { element.encode(&writer) }
    writer.i64(3, numRows)
    writer.listField(4, .struct, count: rowGroups.count)
    for group in rowGroups { group.encode(&writer) }
    if let keyValueMetadata {
      writer.listField(5, .struct, count: keyValueMetadata.count)
      for pair in keyValueMetadata { pair.encode(&writer) }
    }
    if let createdBy { writer.string(6, createdBy) }
    if typeDefinedColumnOrders > 0 {
      writer.listField(7, .struct, count: typeDefinedColumnOrders)
      for _ in 0..<typeDefinedColumnOrders {
        writer.structBegin()
        writer.structField(1)
        writer.structEnd()
        writer.structEnd()
      }
    }
    writer.structEnd()
  }

  static func decode(_ reader: inout ThriftCompactReader) throws -> ThriftFileMetaData {
    var result = ThriftFileMetaData()
    var seen = (schema: false, rows: false, groups: false)
    try reader.structBegin()
    while let (id, type) = try reader.fieldHeader() {
      switch (id, type) {
      case (1, .i32): result.version = try reader.readI32()
      case (2, .list):
        result.schema = try reader.readList(of: .struct) { try ThriftSchemaElement.decode(&$0) }
        seen.schema = true
      case (3, .i64):
        result.numRows = try reader.readI64()
        seen.rows = true
      case (4, .list):
        result.rowGroups = try reader.readList(of: .struct) { try ThriftRowGroup.decode(&$0) }
        seen.groups = true
      case (5, .list):
        result.keyValueMetadata = try reader.readList(of: .struct) {
          try ThriftKeyValue.decode(&$0)
        }
      case (6, .binary): result.createdBy = try reader.readString()
      case (7, .list):
        let orders: [Void] = try reader.readList(of: .struct) { try $0.skip(.struct) }
        result.typeDefinedColumnOrders = orders.count
      default: try reader.skip(type)
      }
    }
    reader.structEnd()
    guard seen.schema, seen.rows, seen.groups else {
      throw reader.corrupt("footer lacks schema, num_rows or row_groups")
    }
    guard result.numRows >= 0 else { throw reader.corrupt("negative num_rows") }
    return result
  }
}

/// `KeyValue` of parquet.thrift.
struct ThriftKeyValue: Sendable, Equatable {
  var key: String
  var value: String?

  func encode(_ writer: inout ThriftCompactWriter) {
    writer.structBegin()
    writer.string(1, key)
    if let value { writer.string(2, value) }
    writer.structEnd()
  }

  static func decode(_ reader: inout ThriftCompactReader) throws -> ThriftKeyValue {
    var key: String?
    var value: String?
    try reader.structBegin()
    while let (id, type) = try reader.fieldHeader() {
      switch (id, type) {
      case (1, .binary): key = try reader.readString()
      case (2, .binary): value = try reader.readString()
      default: try reader.skip(type)
      }
    }
    reader.structEnd()
    guard let key else { throw reader.corrupt("key-value pair without key") }
    return ThriftKeyValue(key: key, value: value)
  }
}

/// `RowGroup` of parquet.thrift.
struct ThriftRowGroup: Sendable {
  var columns: [ThriftColumnChunk] = []
  var totalByteSize: Int64 = 0
  var numRows: Int64 = 0
  var fileOffset: Int64?
  var totalCompressedSize: Int64?
  var ordinal: Int16?

  func encode(_ writer: inout ThriftCompactWriter) {
    writer.structBegin()
    writer.listField(1, .struct, count: columns.count)
    for column in columns { column.encode(&writer) }
    writer.i64(2, totalByteSize)
    writer.i64(3, numRows)
    if let fileOffset { writer.i64(5, fileOffset) }
    if let totalCompressedSize { writer.i64(6, totalCompressedSize) }
    if let ordinal {
      writer.fieldHeader(7, .i16)
      writer.i32Element(Int32(ordinal))
    }
    writer.structEnd()
  }

  static func decode(_ reader: inout ThriftCompactReader) throws -> ThriftRowGroup {
    var result = ThriftRowGroup()
    try reader.structBegin()
    while let (id, type) = try reader.fieldHeader() {
      switch (id, type) {
      case (1, .list):
        result.columns = try reader.readList(of: .struct) { try ThriftColumnChunk.decode(&$0) }
      case (2, .i64): result.totalByteSize = try reader.readI64()
      case (3, .i64): result.numRows = try reader.readI64()
      case (5, .i64): result.fileOffset = try reader.readI64()
      case (6, .i64): result.totalCompressedSize = try reader.readI64()
      case (7, .i16): result.ordinal = Int16(truncatingIfNeeded: try reader.readZigzag())
      default: try reader.skip(type)
      }
    }
    reader.structEnd()
    guard result.numRows >= 0 else { throw reader.corrupt("negative row group num_rows") }
    return result
  }
}

/// `ColumnChunk` of parquet.thrift (only chunks in the same file are supported).
struct ThriftColumnChunk: Sendable {
  var filePath: String?
  var fileOffset: Int64 = 0
  var metaData: ThriftColumnMetaData?

  func encode(_ writer: inout ThriftCompactWriter) {
    writer.structBegin()
    if let filePath { writer.string(1, filePath) }
    writer.i64(2, fileOffset)
    if let metaData {
      writer.structField(3)
      metaData.encodeFields(&writer)
      writer.structEnd()
    }
    writer.structEnd()
  }

  static func decode(_ reader: inout ThriftCompactReader) throws -> ThriftColumnChunk {
    var result = ThriftColumnChunk()
    try reader.structBegin()
    while let (id, type) = try reader.fieldHeader() {
      switch (id, type) {
      case (1, .binary): result.filePath = try reader.readString()
      case (2, .i64): result.fileOffset = try reader.readI64()
      case (3, .struct): result.metaData = try ThriftColumnMetaData.decode(&reader)
      default: try reader.skip(type)
      }
    }
    reader.structEnd()
    return result
  }
}
