/// `ColumnMetaData` of parquet.thrift: where a column chunk's pages are and how they are
/// encoded and compressed.
struct ThriftColumnMetaData: Sendable {
  var type: Int32 = 0
  var encodings: [Int32] = []
  var pathInSchema: [String] = []
  var codec: Int32 = 0
  var numValues: Int64 = 0
  var totalUncompressedSize: Int64 = 0
  var totalCompressedSize: Int64 = 0
  var dataPageOffset: Int64 = 0
  var indexPageOffset: Int64?
  var dictionaryPageOffset: Int64?
  var statistics: ThriftStatistics?

  func encodeFields(_ writer: inout ThriftCompactWriter) {
    writer.i32(1, type)
    writer.listField(2, .i32, count: encodings.count)
    for encoding in encodings { writer.i32Element(encoding) }
    writer.listField(3, .binary, count: pathInSchema.count)
    for part in pathInSchema { writer.binaryValue(Array(part.utf8)) }
    writer.i32(4, codec)
    writer.i64(5, numValues)
    writer.i64(6, totalUncompressedSize)
    writer.i64(7, totalCompressedSize)
    writer.i64(9, dataPageOffset)
    if let indexPageOffset { writer.i64(10, indexPageOffset) }
    if let dictionaryPageOffset { writer.i64(11, dictionaryPageOffset) }
    if let statistics {
      writer.structField(12)
      statistics.encodeFields(&writer)
      writer.structEnd()
    }
  }

  static func decode(_ reader: inout ThriftCompactReader) throws -> ThriftColumnMetaData {
    var result = ThriftColumnMetaData()
    var seenOffset = false
    try reader.structBegin()
    while let (id, type) = try reader.fieldHeader() {
      switch (id, type) {
      case (1, .i32): result.type = try reader.readI32()
      case (2, .list): result.encodings = try reader.readList(of: .i32) { try $0.readI32() }
      case (3, .list):
        result.pathInSchema = try reader.readList(of: .binary) { try $0.readString() }
      case (4, .i32): result.codec = try reader.readI32()
      case (5, .i64): result.numValues = try reader.readI64()
      case (6, .i64): result.totalUncompressedSize = try reader.readI64()
      case (7, .i64): result.totalCompressedSize = try reader.readI64()
      case (9, .i64):
        result.dataPageOffset = try reader.readI64()
        seenOffset = true
      case (10, .i64): result.indexPageOffset = try reader.readI64()
      case (11, .i64): result.dictionaryPageOffset = try reader.readI64()
      case (12, .struct): result.statistics = try ThriftStatistics.decode(&reader)
      default: try reader.skip(type)
      }
    }
    reader.structEnd()
    guard seenOffset else { throw reader.corrupt("column metadata without data_page_offset") }
    guard result.numValues >= 0, result.totalCompressedSize >= 0, result.totalUncompressedSize >= 0
    else { throw reader.corrupt("negative column chunk size or count") }
    return result
  }
}

/// `Statistics` of parquet.thrift. The writer fills `min_value`/`max_value` (the ordering
/// defined by the logical type); the deprecated `min`/`max` are read as a fallback.
struct ThriftStatistics: Sendable, Equatable {
  var max: [UInt8]?
  var min: [UInt8]?
  var nullCount: Int64?
  var distinctCount: Int64?
  var maxValue: [UInt8]?
  var minValue: [UInt8]?

  func encodeFields(_ writer: inout ThriftCompactWriter) {
    if let max { writer.binary(1, max) }
    if let min { writer.binary(2, min) }
    if let nullCount { writer.i64(3, nullCount) }
    if let distinctCount { writer.i64(4, distinctCount) }
    if let maxValue { writer.binary(5, maxValue) }
    if let minValue { writer.binary(6, minValue) }
  }

  static func decode(_ reader: inout ThriftCompactReader) throws -> ThriftStatistics {
    var result = ThriftStatistics()
    try reader.structBegin()
    while let (id, type) = try reader.fieldHeader() {
      switch (id, type) {
      case (1, .binary): result.max = try reader.readBinary()
      case (2, .binary): result.min = try reader.readBinary()
      case (3, .i64): result.nullCount = try reader.readI64()
      case (4, .i64): result.distinctCount = try reader.readI64()
      case (5, .binary): result.maxValue = try reader.readBinary()
      case (6, .binary): result.minValue = try reader.readBinary()
      default: try reader.skip(type)
      }
    }
    reader.structEnd()
    return result
  }
}
