import XCTest

@testable import Parquet

/// The Thrift compact protocol layer against hand-computed bytes and round trips.
final class ThriftCompactTests: XCTestCase {
  func testFieldHeadersIntegersAndStopMatchTheSpec() throws {
    var writer = ThriftCompactWriter()
    writer.structBegin()
    writer.i32(1, 5)  // short form: delta 1, type i32; zigzag(5) = 10
    writer.i64(20, -1)  // long form: delta 19 > 15; zigzag(20) = 40, zigzag(-1) = 1
    writer.bool(21, true)  // bools live in the type nibble
    writer.structEnd()
    XCTAssertEqual(writer.bytes, [0x15, 0x0A, 0x06, 0x28, 0x01, 0x11, 0x00])

    var reader = ThriftCompactReader(bytes: writer.bytes, context: "test")
    try reader.structBegin()
    let first = try XCTUnwrap(try reader.fieldHeader())
    XCTAssertEqual(first.id, 1)
    XCTAssertEqual(try reader.readI32(), 5)
    let second = try XCTUnwrap(try reader.fieldHeader())
    XCTAssertEqual(second.id, 20)
    XCTAssertEqual(try reader.readI64(), -1)
    let third = try XCTUnwrap(try reader.fieldHeader())
    XCTAssertEqual(third.id, 21)
    XCTAssertEqual(try reader.boolValue(third.type), true)
    XCTAssertNil(try reader.fieldHeader())
  }

  func testFooterRoundTripsAndUnknownFieldsAreSkipped() throws {
    var footer = ThriftFileMetaData()
    footer.schema = SchemaConversion.elements(of: try CheckpointSchemaTests.checkpointSchema())
    footer.numRows = Int64.max
    footer.createdBy = "test"
    footer.keyValueMetadata = (0..<20).map {
      ThriftKeyValue(key: "k\($0)", value: $0 % 2 == 0 ? nil : "v")
    }
    var chunk = ThriftColumnMetaData()
    chunk.encodings = [0, 3, 8]
    chunk.pathInSchema = ["a", "b"]
    chunk.numValues = 3
    chunk.dataPageOffset = 1 << 40
    chunk.dictionaryPageOffset = 4
    chunk.statistics = ThriftStatistics(
      max: [1], min: [0], nullCount: 2, distinctCount: 1, maxValue: [0xFF], minValue: [])
    footer.rowGroups = [
      ThriftRowGroup(columns: [ThriftColumnChunk(fileOffset: 4, metaData: chunk)], numRows: 3)
    ]
    footer.typeDefinedColumnOrders = 3
    var writer = ThriftCompactWriter()
    footer.encode(&writer)

    // Splice in fields a newer writer might add: a struct, a list, a map, a double, a bool.
    var bytes = writer.bytes
    bytes.removeLast()  // the footer's stop byte
    bytes += [0x0C] + [0xC8, 0x01] + [0x15, 0x02, 0x00]  // field 100: struct { 1: i32 1 }
    bytes += [0x09] + [0xCA, 0x01] + [0x35, 0x02, 0x04, 0x06]  // field 101: list<i32> [1, 2, 3]
    // field 102: map<binary,bool> {"a": true}
    bytes += [0x0B] + [0xCC, 0x01] + [0x01, 0x81, 0x01, 0x61, 0x01]
    bytes += [0x07] + [0xCE, 0x01] + [UInt8](repeating: 0, count: 8)  // field 103: double
    bytes += [0x01] + [0xD0, 0x01] + [0x00]  // field 104: true, then stop
    var reader = ThriftCompactReader(bytes: bytes, context: "test")
    let decoded = try ThriftFileMetaData.decode(&reader)
    XCTAssertEqual(reader.position, bytes.count)
    var again = ThriftCompactWriter()
    decoded.encode(&again)
    XCTAssertEqual(again.bytes, writer.bytes)
    XCTAssertEqual(decoded.rowGroups[0].columns[0].metaData?.statistics, chunk.statistics)
    XCTAssertEqual(decoded.keyValueMetadata, footer.keyValueMetadata)
  }

  func testHostileThriftIsRejected() {
    let cases: [(String, [UInt8])] = [
      ("nesting bomb", [UInt8](repeating: 0x1C, count: 5000)),
      ("list longer than the data", [0x19, 0xF5, 0xFF, 0xFF, 0xFF, 0x07]),
      ("binary longer than the data", [0x18, 0xFF, 0xFF, 0x03, 0x41]),
      ("varint never ends", [0x15] + [UInt8](repeating: 0xFF, count: 20)),
      ("unknown type", [0x1E]),
      ("truncated", [0x15]),
      ("missing required fields", [0x15, 0x02, 0x00]),
    ]
    for (label, bytes) in cases {
      var reader = ThriftCompactReader(bytes: bytes, context: label)
      XCTAssertThrowsError(try ThriftFileMetaData.decode(&reader), label) { error in
        guard case ParquetError.corrupt = error else { return XCTFail("\(label): \(error)") }
      }
    }
  }

  func testLogicalTypesRoundTrip() throws {
    let types: [ParquetLogicalType] = [
      .string, .map, .list, .enumeration, .decimal(scale: 2, precision: 10), .date,
      .time(isAdjustedToUTC: false, unit: .millis),
      .timestamp(isAdjustedToUTC: true, unit: .micros),
      .timestamp(isAdjustedToUTC: false, unit: .nanos), .integer(bitWidth: 16, isSigned: false),
      .unknown,
      .json, .bson, .uuid,
    ]
    for type in types {
      var writer = ThriftCompactWriter()
      writer.structBegin()
      type.encodeFields(&writer)
      writer.structEnd()
      var reader = ThriftCompactReader(bytes: writer.bytes, context: "logical type")
      XCTAssertEqual(try ParquetLogicalType.decode(&reader), type)
    }
  }

  /// Old writers mark the repeated key/value group MAP_KEY_VALUE and use 2-level lists;
  /// both must still be recognised as map and list.
  func testLegacyMapAndListAnnotationsAreUnderstood() throws {
    let elements = [
      ThriftSchemaElement(name: "schema", numChildren: 2),
      ThriftSchemaElement(repetitionType: 1, name: "m", numChildren: 1, convertedType: 1),
      ThriftSchemaElement(repetitionType: 2, name: "map", numChildren: 2, convertedType: 2),
      ThriftSchemaElement(type: 6, repetitionType: 0, name: "key", convertedType: 0),
      ThriftSchemaElement(type: 1, repetitionType: 1, name: "value"),
      ThriftSchemaElement(repetitionType: 1, name: "l", numChildren: 1, convertedType: 3),
      ThriftSchemaElement(type: 1, repetitionType: 2, name: "array"),
    ]
    let schema = try SchemaConversion.schema(from: elements)
    XCTAssertEqual(schema.columns.map(\.name), ["m.map.key", "m.map.value", "l.array"])
    let roots = try SchemaNode.roots(of: schema)
    guard case .map = roots[0].shape else { return XCTFail("m is not a map") }
    guard case .list(let repeated, let element) = roots[1].shape, repeated === element else {
      return XCTFail("l is not a 2-level list")
    }
  }
}
