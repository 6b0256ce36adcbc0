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

  /// The hand-written encoder says what `JSONEncoder` says, for awkward text too.
  func testHandWrittenLinesMatchJSONEncoder() throws {
    let awkward = "q\"b\\s/é\u{1}\n\t\r\u{8}\u{c}\u{1f}✓"
    let stats = FileStatistics(
      numRecords: 3,
      minValues: ["a": .double(0.1), "b": .double(-2), "c": .string(awkward), "d": .integer(-7)],
      maxValues: ["a": .double(1e-5), "b": .double(3.5e20), "c": .string(""), "z": .null],
      nullCount: ["a": .integer(0), awkward: .integer(1)])
    let actions: [DeltaAction] = [
      .commitInfo([
        "operation": .string(awkward), "nested": .object(["x": .array([.bool(true), .null])]),
        "readVersion": .integer(-1), "ratio": .double(0.25),
      ]),
      .add(
        AddFile(
          path: "part-\(awkward).parquet", partitionValues: ["p": nil, "q": "1"], size: 10,
          modificationTime: 3, dataChange: false, stats: stats.jsonString(),
          tags: ["t": nil, "u": awkward])),
      .add(AddFile(path: "plain", size: 0, modificationTime: 0)),
      .transaction(AppTransaction(appId: awkward, version: Int64.max, lastUpdated: 9)),
      .transaction(AppTransaction(appId: "app", version: 0)),
    ]
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    let ours = try ActionCodec.encodeCommit(actions).split(separator: UInt8(ascii: "\n"))
    XCTAssertEqual(ours.count, actions.count)
    for (line, action) in zip(ours, actions) {
      let theirs: Data
      switch action {
      case .add(let value): theirs = try encoder.encode(["add": value])
      case .transaction(let value): theirs = try encoder.encode(["txn": value])
      case .commitInfo(let value): theirs = try encoder.encode(["commitInfo": value])
      default: return XCTFail("\(action)")
      }
      let ourObject = try JSONSerialization.jsonObject(with: Data(line)) as? NSDictionary
      let theirObject = try JSONSerialization.jsonObject(with: theirs) as? NSDictionary
      XCTAssertEqual(ourObject, theirObject, String(decoding: line, as: UTF8.self))
    }
    XCTAssertEqual(
      try ActionCodec.decodeCommit(Data(ours.joined(separator: [10])), version: 1), actions)
    // The statistics string: byte for byte what the sorted-keys encoder writes.
    encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
    let text = stats.jsonString()
    XCTAssertEqual(text, String(decoding: try encoder.encode(stats), as: UTF8.self))
    XCTAssertTrue(text.hasPrefix(#"{"maxValues":{"a":1e-05,"b":3.5e+20,"c":"","z":null},"#), text)
    XCTAssertEqual(
      FileStatistics(numRecords: 2, minValues: ["x": .double(2)]).jsonString(),
      #"{"maxValues":{},"minValues":{"x":2},"nullCount":{},"numRecords":2}"#)
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
