import Foundation
import Parquet
import TestSupport
import XCTest

/// The nested subset a Delta checkpoint needs: optional structs of primitives, nested
/// structs, map<string,string> and list<string>, written and read row-wise, checked
/// against pyarrow in both directions and against a checkpoint delta-rs writes.
final class CheckpointSchemaTests: XCTestCase {
  static func checkpointSchema() throws -> ParquetSchema {
    try ParquetSchema([
      .group("txn", [.string("appId"), .int64("version"), .int64("lastUpdated", nullable: true)]),
      .group(
        "add",
        [
          .string("path"), .stringMap("partitionValues"), .int64("size"),
          .int64("modificationTime"),
          .boolean("dataChange"), .string("stats", nullable: true), .stringMap("tags"),
        ]),
      .group(
        "remove",
        [
          .string("path"), .int64("deletionTimestamp", nullable: true), .boolean("dataChange"),
          .boolean("extendedFileMetadata", nullable: true), .stringMap("partitionValues"),
          .int64("size", nullable: true),
        ]),
      .group(
        "metaData",
        [
          .string("id"), .string("name", nullable: true), .string("description", nullable: true),
          .group("format", nullable: false, [.string("provider"), .stringMap("options")]),
          .string("schemaString"), .stringList("partitionColumns"), .stringMap("configuration"),
          .int64("createdTime", nullable: true),
        ]),
      .group("protocol", [.int32("minReaderVersion"), .int32("minWriterVersion")]),
    ])
  }

  static func checkpointRows() -> [[String: ParquetValue]] {
    [
      [
        "protocol": .struct(["minReaderVersion": .int32(1), "minWriterVersion": .int32(2)])
      ],
      [
        "metaData": .struct([
          "id": .string("5b7c-id"), "name": .null, "description": .string("ünïcode"),
          "format": .struct(["provider": .string("parquet"), "options": .map([])]),
          "schemaString": .string(#"{"type":"struct","fields":[]}"#),
          "partitionColumns": .list([.string("date"), .string(""), .null]),
          "configuration": .map([
            ("delta.checkpointInterval", .string("10")), ("empty", .string("")), ("nothing", .null),
          ]),
          "createdTime": .int64(1_767_225_600_000),
        ])
      ],
      [
        "txn": .struct([
          "appId": .string("idemstream-g-features-0"), "version": .int64(41), "lastUpdated": .null,
        ])
      ],
      [
        "add": .struct([
          "path": .string("part-0001.zstd.parquet"), "partitionValues": .map([]),
          "size": .int64(1234),
          "modificationTime": .int64(1_767_225_600_001), "dataChange": .boolean(true),
          "stats": .string(#"{"numRecords":3}"#), "tags": .null,
        ])
      ],
      [
        "add": .struct([
          "path": .string("date=2026-01-01/part-0002.parquet"),
          "partitionValues": .map([("date", .string("2026-01-01")), ("region", .null)]),
          "size": .int64(.max), "modificationTime": .int64(0), "dataChange": .boolean(false),
          "stats": .null, "tags": .map([("compacted", .string("true"))]),
        ])
      ],
      [
        "remove": .struct([
          "path": .string("part-0000.parquet"), "deletionTimestamp": .int64(-1),
          "dataChange": .boolean(true), "extendedFileMetadata": .null, "partitionValues": .null,
          "size": .null,
        ]),
        "txn": .null,
      ],
      [
        "metaData": .struct([
          "id": .string("second"),
          "format": .struct(["provider": .string("parquet"), "options": .null]),
          "schemaString": .string("{}"), "partitionColumns": .list([]), "configuration": .null,
        ])
      ],
    ]
  }

  /// What `readRows` returns for `rows`: every field present, absent ones as null.
  static func normalized(_ rows: [[String: ParquetValue]], _ schema: ParquetSchema) -> [[String:
    ParquetValue]]
  {
    func fill(_ value: ParquetValue, _ field: ParquetField) -> ParquetValue {
      guard case .struct(let fields) = value, field.isGroup, field.logicalType == nil else {
        return value
      }
      var result: [String: ParquetValue] = [:]
      for child in field.children { result[child.name] = fill(fields[child.name] ?? .null, child) }
      return .struct(result)
    }
    return rows.map { row in
      var result: [String: ParquetValue] = [:]
      for field in schema.fields { result[field.name] = fill(row[field.name] ?? .null, field) }
      return result
    }
  }

  func testCheckpointRowsRoundTrip() throws {
    try requirePython()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let schema = try Self.checkpointSchema()
    XCTAssertEqual(
      schema.columns.map(\.name).filter { $0.hasPrefix("metaData.partitionColumns") },
      ["metaData.partitionColumns.list.element"])
    let rows = Self.checkpointRows()
    for compression in [ParquetCompression.zstd, .snappy, .uncompressed] {
      let path = directory.path + "/checkpoint-\(compression).parquet"
      let writer = try ParquetWriter(
        path: path, schema: schema, options: ParquetWriterOptions(compression: compression))
      try writer.write(rows: rows)
      try writer.write(rows: Array(rows.prefix(2)))
      try writer.close()
      let reader = try ParquetReader(path: path)
      XCTAssertEqual(reader.schema, schema)
      XCTAssertEqual(reader.rowGroupCount, 2)
      XCTAssertEqual(try reader.readRows(), Self.normalized(rows + rows.prefix(2), schema))
      // Non-repeated nested leaves read column-wise too: null where the struct is null.
      let versions = try reader.readColumn(named: "txn.version", rowGroup: 0)
      XCTAssertEqual(versions.validity, [false, false, true, false, false, false, false])
      XCTAssertThrowsError(try reader.readColumn(named: "add.partitionValues.key_value.key"))
      let pyarrow = try JSONSerialization.jsonObject(
        with: Data(try Python.run(Self.dumpRows, [path]).utf8))
      let expected = Self.normalized(rows + rows.prefix(2), schema).map(JSONRendering.object)
      XCTAssertEqual(pyarrow as? NSArray, expected as NSArray, path)
    }
  }

  func testWriterRejectsRowsThatDoNotFitTheSchema() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try requirePython()
    let path = directory.path + "/rejected.parquet"
    let writer = try ParquetWriter(path: path, schema: try Self.checkpointSchema())
    let bad: [[String: ParquetValue]] = [
      ["unknown": .int32(1)],
      ["txn": .struct(["appId": .null, "version": .int64(1)])],
      ["txn": .struct(["appId": .string("a"), "version": .string("1")])],
      ["add": .struct(["path": .string("p"), "partitionValues": .list([])])],
      ["protocol": .int32(1)],
    ]
    for row in bad {
      XCTAssertThrowsError(try writer.write(rows: [row])) { error in
        guard case ParquetError.invalidArgument = error else { return XCTFail("\(error)") }
      }
    }
    // Rejected rows leave nothing behind: the file closes as a valid, empty checkpoint.
    try writer.close()
    XCTAssertEqual(try ParquetReader(path: path).numRows, 0)
    XCTAssertEqual(
      try Python.run(Self.dumpRows, [path]).trimmingCharacters(in: .whitespacesAndNewlines), "[]")
  }

  /// Legacy shapes other writers produce: a 2-level list and a bare repeated field.
  func testTwoLevelListsAndBareRepeatedFieldsRoundTrip() throws {
    try requirePython()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let schema = try ParquetSchema([
      ParquetField(
        group: "legacy", logicalType: .list,
        children: [ParquetField(name: "array", physicalType: .int32, repetition: .repeated)]),
      ParquetField(
        name: "tags", physicalType: .byteArray, logicalType: .string, repetition: .repeated),
    ])
    let rows: [[String: ParquetValue]] = [
      ["legacy": .list([.int32(1), .int32(-2)]), "tags": .list([.string("a"), .string("")])],
      ["legacy": .null, "tags": .list([])],
      ["legacy": .list([]), "tags": .list([.string("ü")])],
    ]
    let path = directory.path + "/legacy.parquet"
    let writer = try ParquetWriter(path: path, schema: schema)
    try writer.write(rows: rows)
    try writer.close()
    XCTAssertEqual(try ParquetReader(path: path).readRows(), rows)
    let pyarrow = try JSONSerialization.jsonObject(
      with: Data(try Python.run(Self.dumpRows, [path]).utf8))
    XCTAssertEqual(pyarrow as? NSArray, rows.map(JSONRendering.object) as NSArray)
  }

  static let dumpRows = """
    import json, sys
    import pyarrow.parquet as pq
    def clean(v):
        if isinstance(v, dict): return {k: clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)): return [clean(x) for x in v]
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53: return str(v)
        return v
    print(json.dumps(clean(pq.read_table(sys.argv[1]).to_pylist())))
    """

  func testPyArrowReadsOurCheckpoint() throws {
    try requirePython()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let schema = try Self.checkpointSchema()
    let path = directory.path + "/00000000000000000010.checkpoint.parquet"
    let writer = try ParquetWriter(path: path, schema: schema)
    try writer.write(rows: Self.checkpointRows())
    try writer.close()
    let pyarrow = try JSONSerialization.jsonObject(
      with: Data(try Python.run(Self.dumpRows, [path]).utf8))
    let ours = Self.normalized(Self.checkpointRows(), schema).map(JSONRendering.object)
    XCTAssertEqual(pyarrow as? NSArray, ours as NSArray)
  }

  func testReadsCheckpointsDeltaRsAndPyArrowWrite() throws {
    try requirePython()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let script = """
      import glob, sys
      import pyarrow as pa, pyarrow.parquet as pq, deltalake
      table = sys.argv[1] + "/table"
      data = pa.table({"a": [1, 2, 3], "p": ["x", "y", None], "s": ["é", "", None]})
      deltalake.write_deltalake(table, data, partition_by=["p"], configuration={"delta.appendOnly": "true"})
      deltalake.write_deltalake(table, data, mode="append", partition_by=["p"])
      deltalake.DeltaTable(table).create_checkpoint()
      print(glob.glob(table + "/_delta_log/*.checkpoint.parquet")[0])
      nested = pa.table({
          "m": pa.array([[("a", "1"), ("b", None)], [], None], pa.map_(pa.string(), pa.string())),
          "l": pa.array([["x", None, ""], None, []], pa.list_(pa.string())),
          "s": pa.array([{"i": 1, "t": {"u": "v"}}, None, {"i": None, "t": None}],
                        pa.struct([("i", pa.int64()), ("t", pa.struct([("u", pa.string())]))])),
      })
      for version in ["1.0", "2.0"]:
          pq.write_table(nested, f"{sys.argv[1]}/nested-{version}.parquet", data_page_version=version)
      """
    let checkpoint = try Python.run(script, [directory.path]).trimmingCharacters(
      in: .whitespacesAndNewlines)
    for path in [
      checkpoint, directory.path + "/nested-1.0.parquet", directory.path + "/nested-2.0.parquet",
    ] {
      let expected = try JSONSerialization.jsonObject(
        with: Data(try Python.run(Self.dumpRows, [path]).utf8))
      let rows = try ParquetReader(path: path).readRows()
      XCTAssertEqual(expected as? NSArray, rows.map(JSONRendering.object) as NSArray, path)
    }
    let rows = try ParquetReader(path: checkpoint).readRows()
    let adds = rows.compactMap { $0["add"] }.filter { !$0.isNull }
    XCTAssertEqual(adds.count, 6)
    XCTAssertTrue(adds.allSatisfy { $0[field: "path"]?.stringValue?.hasSuffix(".parquet") == true })
    let metaData = try XCTUnwrap(rows.compactMap { $0["metaData"] }.first { !$0.isNull })
    XCTAssertEqual(metaData[field: "partitionColumns"], .list([.string("p")]))
  }
}

/// Renders values the way the test's Python dump renders pyarrow's `to_pylist()`: maps as
/// lists of [key, value] pairs, structs as objects, null as JSON null, huge integers as text.
enum JSONRendering {
  static func object(_ row: [String: ParquetValue]) -> Any {
    row.mapValues(value) as NSDictionary
  }

  static func value(_ value: ParquetValue) -> Any {
    switch value {
    case .null: return NSNull()
    case .boolean(let bool): return NSNumber(value: bool)
    case .int32(let int): return NSNumber(value: int)
    case .int64(let int):
      // JSON parsers turn integers beyond 2^53 into doubles; both sides render them as text.
      return int.magnitude > 1 << 53 ? "\(int)" : NSNumber(value: int)
    case .double(let double): return NSNumber(value: double)
    case .string(let string): return string
    case .bytes(let bytes): return Data(bytes).base64EncodedString()
    case .struct(let fields): return fields.mapValues(Self.value) as NSDictionary
    case .map(let pairs): return pairs.map { [$0.key, Self.value($0.value)] as NSArray } as NSArray
    case .list(let items): return items.map(Self.value) as NSArray
    }
  }
}
