/// `PageHeader` of parquet.thrift with the data (v1, v2) and dictionary page headers.
struct ThriftPageHeader: Sendable {
  static let dataPage: Int32 = 0
  static let dictionaryPage: Int32 = 2
  static let dataPageV2: Int32 = 3

  var type: Int32 = 0
  var uncompressedPageSize: Int32 = 0
  var compressedPageSize: Int32 = 0
  var crc: Int32?
  var dataPage: ThriftDataPageHeader?
  var dictionaryPage: ThriftDictionaryPageHeader?
  var dataPageV2: ThriftDataPageHeaderV2?

  func encode(_ writer: inout ThriftCompactWriter) {
    writer.structBegin()
    writer.i32(1, type)
    writer.i32(2, uncompressedPageSize)
    writer.i32(3, compressedPageSize)
    if let crc { writer.i32(4, crc) }
    if let dataPage {
      writer.structField(5)
      writer.i32(1, dataPage.numValues)
      writer.i32(2, dataPage.encoding)
      writer.i32(3, dataPage.definitionLevelEncoding)
      writer.i32(4, dataPage.repetitionLevelEncoding)
      writer.structEnd()
    }
    if let dictionaryPage {
      writer.structField(7)
      writer.i32(1, dictionaryPage.numValues)
      writer.i32(2, dictionaryPage.encoding)
      writer.structEnd()
    }
    if let page = dataPageV2 {
      writer.structField(8)
      writer.i32(1, page.numValues)
      writer.i32(2, page.numNulls)
      writer.i32(3, page.numRows)
      writer.i32(4, page.encoding)
      writer.i32(5, page.definitionLevelsByteLength)
      writer.i32(6, page.repetitionLevelsByteLength)
      writer.bool(7, page.isCompressed)
      writer.structEnd()
    }
    writer.structEnd()
  }

  static func decode(_ reader: inout ThriftCompactReader) throws -> ThriftPageHeader {
    var result = ThriftPageHeader()
    try reader.structBegin()
    while let (id, type) = try reader.fieldHeader() {
      switch (id, type) {
      case (1, .i32): result.type = try reader.readI32()
      case (2, .i32): result.uncompressedPageSize = try reader.readI32()
      case (3, .i32): result.compressedPageSize = try reader.readI32()
      case (4, .i32): result.crc = try reader.readI32()
      case (5, .struct): result.dataPage = try decodeDataPage(&reader)
      case (7, .struct): result.dictionaryPage = try decodeDictionaryPage(&reader)
      case (8, .struct): result.dataPageV2 = try decodeDataPageV2(&reader)
      default: try reader.skip(type)
      }
    }
    reader.structEnd()
    guard result.uncompressedPageSize >= 0, result.compressedPageSize >= 0 else {
      throw reader.corrupt("negative page size")
    }
    return result
  }

  private static func decodeDataPage(_ reader: inout ThriftCompactReader) throws
    -> ThriftDataPageHeader
  {
    var page = ThriftDataPageHeader()
    try reader.structBegin()
    while let (id, type) = try reader.fieldHeader() {
      switch (id, type) {
      case (1, .i32): page.numValues = try reader.readI32()
      case (2, .i32): page.encoding = try reader.readI32()
      case (3, .i32): page.definitionLevelEncoding = try reader.readI32()
      case (4, .i32): page.repetitionLevelEncoding = try reader.readI32()
      default: try reader.skip(type)
      }
    }
    reader.structEnd()
    guard page.numValues >= 0 else { throw reader.corrupt("negative page value count") }
    return page
  }

  private static func decodeDictionaryPage(_ reader: inout ThriftCompactReader) throws
    -> ThriftDictionaryPageHeader
  {
    var page = ThriftDictionaryPageHeader()
    try reader.structBegin()
    while let (id, type) = try reader.fieldHeader() {
      switch (id, type) {
      case (1, .i32): page.numValues = try reader.readI32()
      case (2, .i32): page.encoding = try reader.readI32()
      default: try reader.skip(type)
      }
    }
    reader.structEnd()
    guard page.numValues >= 0 else { throw reader.corrupt("negative dictionary size") }
    return page
  }

  private static func decodeDataPageV2(_ reader: inout ThriftCompactReader) throws
    -> ThriftDataPageHeaderV2
  {
    var page = ThriftDataPageHeaderV2()
    try reader.structBegin()
    while let (id, type) = try reader.fieldHeader() {
      switch (id, type) {
      case (1, .i32): page.numValues = try reader.readI32()
      case (2, .i32): page.numNulls = try reader.readI32()
      case (3, .i32): page.numRows = try reader.readI32()
      case (4, .i32): page.encoding = try reader.readI32()
      case (5, .i32): page.definitionLevelsByteLength = try reader.readI32()
      case (6, .i32): page.repetitionLevelsByteLength = try reader.readI32()
      case (7, .boolTrue), (7, .boolFalse): page.isCompressed = try reader.boolValue(type)
      default: try reader.skip(type)
      }
    }
    reader.structEnd()
    guard page.numValues >= 0, page.numNulls >= 0, page.numRows >= 0,
      page.definitionLevelsByteLength >= 0, page.repetitionLevelsByteLength >= 0
    else { throw reader.corrupt("negative count or length in data page v2 header") }
    return page
  }
}

struct ThriftDataPageHeader: Sendable {
  var numValues: Int32 = 0
  var encoding: Int32 = 0
  var definitionLevelEncoding: Int32 = 3
  var repetitionLevelEncoding: Int32 = 3
}

struct ThriftDictionaryPageHeader: Sendable {
  var numValues: Int32 = 0
  var encoding: Int32 = 0
}

struct ThriftDataPageHeaderV2: Sendable {
  var numValues: Int32 = 0
  var numNulls: Int32 = 0
  var numRows: Int32 = 0
  var encoding: Int32 = 0
  var definitionLevelsByteLength: Int32 = 0
  var repetitionLevelsByteLength: Int32 = 0
  var isCompressed = true
}
