import Foundation
import XCTest

@testable import Delta

final class ActionCodecTests: XCTestCase {
  /// Lines as deltalake 1.6 writes them (nulls for unset fields, stats as a JSON string).
  let deltaRsCommit = """
    {"commitInfo":{"timestamp":1795776971663,"operation":"WRITE","operationParameters":{"mode":"ErrorIfExists"},"engineInfo":"delta-rs:py-1.6.6"}}
    {"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
    {"metaData":{"id":"0178d960","name":null,"description":null,"format":{"provider":"parquet","options":{}},"schemaString":"{\\"type\\":\\"struct\\",\\"fields\\":[{\\"name\\":\\"id\\",\\"type\\":\\"long\\",\\"nullable\\":true,\\"metadata\\":{}}]}","partitionColumns":[],"createdTime":1795776971638,"configuration":{}}}
    {"add":{"path":"part-00000-45cb.snappy.parquet","partitionValues":{},"size":1816,"modificationTime":1795776971663,"dataChange":true,"stats":"{\\"numRecords\\":3,\\"minValues\\":{\\"id\\":1},\\"maxValues\\":{\\"id\\":2},\\"nullCount\\":{\\"id\\":1}}","tags":null,"baseRowId":null}}
    {"txn":{"appId":"x","version":5}}
    {"cdc":{"path":"_change_data/a.parquet","partitionValues":{},"size":1,"dataChange":false}}
    """

  func testDecodesDeltaRsCommit() throws {
    let actions = try ActionCodec.decodeCommit(Data(deltaRsCommit.utf8), version: 0)
    XCTAssertEqual(actions.count, 5, "the cdc line is skipped, the other five are read")
    guard case .commitInfo(let info) = actions[0] else { return XCTFail("\(actions[0])") }
    XCTAssertEqual(info["timestamp"], .integer(1_795_776_971_663))
    XCTAssertEqual(
      actions[1], .tableProtocol(TableProtocol(minReaderVersion: 1, minWriterVersion: 2)))
    guard case .metadata(let metadata) = actions[2] else { return XCTFail("\(actions[2])") }
    XCTAssertEqual(try metadata.schema(), DeltaSchema([DeltaField("id", .long)]))
    XCTAssertNil(metadata.name)
    guard case .add(let add) = actions[3] else { return XCTFail("\(actions[3])") }
    XCTAssertEqual(add.size, 1816)
    let stats = try XCTUnwrap(try add.statistics())
    XCTAssertEqual(stats.numRecords, 3)
    XCTAssertEqual(stats.minValues["id"], .integer(1))
    XCTAssertEqual(stats.nullCount(of: "id"), 1)
    XCTAssertEqual(actions[4], .transaction(AppTransaction(appId: "x", version: 5)))
  }

  func testRoundTrip() throws {
    let actions: [DeltaAction] = [
      .commitInfo(["operation": .string("WRITE"), "timestamp": .integer(7)]),
      .tableProtocol(.defaultForNewTables),
      .metadata(
        TableMetadata(
          id: "abc", schemaString: DeltaSchema([DeltaField("a/b", .timestamp)]).sparkJSON(),
          configuration: ["delta.checkpointInterval": "5"])),
      .add(
        AddFile(
          path: "part-1%20x.parquet", partitionValues: ["p": nil], size: 10, modificationTime: 3,
          stats: FileStatistics(numRecords: 1).jsonString())),
      .remove(RemoveFile(path: "old.parquet", deletionTimestamp: 9, dataChange: false)),
      .transaction(AppTransaction(appId: "app", version: 42, lastUpdated: 9)),
    ]
    let data = try ActionCodec.encodeCommit(actions)
    XCTAssertEqual(data.filter { $0 == UInt8(ascii: "\n") }.count, actions.count)
    XCTAssertEqual(try ActionCodec.decodeCommit(data, version: 1), actions)
    guard case .add(let add) = actions[3] else { return XCTFail() }
    XCTAssertEqual(add.relativeFilePath, "part-1 x.parquet")
  }

  func testBadLineIsReportedWithItsPosition() {
    let body = "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n{\"add\":{\"path\":"
    XCTAssertThrowsError(try ActionCodec.decodeCommit(Data(body.utf8), version: 7)) { error in
      guard case DeltaError.corruptLogEntry(7, 2, _) = error else {
        return XCTFail("unexpected \(error)")
      }
    }
    let missingField =
      "{\"add\":{\"path\":\"a\",\"partitionValues\":{},\"modificationTime\":1,\"dataChange\":true}}"
    XCTAssertThrowsError(try ActionCodec.decodeCommit(Data(missingField.utf8), version: 3)) {
      XCTAssertTrue("\($0)".contains("size"), "\($0)")
    }
  }

  func testSchemaParsingAndEvolution() throws {
    let schema = DeltaSchema([
      DeltaField("user_id", .string, nullable: false), DeltaField("event_time", .timestamp),
      DeltaField("amount", .decimal(precision: 10, scale: 2)),
    ])
    XCTAssertEqual(try DeltaSchema(sparkJSON: schema.sparkJSON()), schema)
    let evolved = try schema.adding([DeltaField("country", .string)])
    XCTAssertEqual(evolved.fields.map(\.name), ["user_id", "event_time", "amount", "country"])
    XCTAssertThrowsError(try schema.adding([DeltaField("x", .long, nullable: false)]))
    XCTAssertThrowsError(try schema.adding([DeltaField("USER_ID", .string)]))
    let nested =
      #"{"type":"struct","fields":[{"name":"s","type":{"type":"struct","fields":[]},"nullable":true,"metadata":{}}]}"#
    XCTAssertThrowsError(try DeltaSchema(sparkJSON: nested)) {
      XCTAssertEqual($0 as? DeltaError, .unsupportedType(field: "s", type: "nested"))
    }
    XCTAssertThrowsError(try DeltaSchema(sparkJSON: "[]"))
  }

  func testProtocolSupport() {
    XCTAssertNoThrow(try TableProtocol.defaultForNewTables.checkWritable())
    XCTAssertThrowsError(
      try TableProtocol(
        minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"]
      )
      .checkReadable())
    XCTAssertThrowsError(
      try TableProtocol(minReaderVersion: 1, minWriterVersion: 4).checkWritable())
  }
}
