import Foundation
import Parquet
import TestSupport
import XCTest

/// Files we write must be read by pyarrow with the same values and the Arrow types users
/// expect, and pyarrow must see our statistics.
final class PyArrowReadsOurFilesTests: XCTestCase {
  static let describeFile = """
    import json, sys, math
    import pyarrow.parquet as pq
    f = pq.ParquetFile(sys.argv[1])
    t = f.read()
    def clean(v):
        if isinstance(v, float):
            if math.isnan(v): return "NaN"
            if math.isinf(v): return "inf" if v > 0 else "-inf"
        if hasattr(v, "isoformat"): return v.isoformat()
        return v
    stats = {}
    for i, name in enumerate(t.column_names):
        s = f.metadata.row_group(0).column(i).statistics
        stats[name] = None if s is None else {
            "has_min_max": s.has_min_max, "null_count": s.null_count,
            "min": clean(s.min) if s.has_min_max else None, "max": clean(s.max) if s.has_min_max else None}
    print(json.dumps({
        "types": {n: str(t.schema.field(n).type) for n in t.column_names},
        "nullable": {n: t.schema.field(n).nullable for n in t.column_names},
        "rows": t.num_rows,
        "row_groups": f.num_row_groups,
        "values": {n: [clean(v) for v in t.column(n).to_pylist()] for n in t.column_names},
        "raw_ts": [None if v is None else v for v in t.column("event_time").cast("int64").to_pylist()],
        "stats": stats,
        "kv": {k.decode(): v.decode() for k, v in (f.schema_arrow.metadata or {}).items()},
    }))
    """

  func testPyArrowReadsTypesValuesAndStatistics() throws {
    try requirePython()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let schema = try ParquetSchema([
      .string("user_id"), .timestampMicros("event_time", nullable: true),
      .int64("clicks", nullable: true),
      .double("spend"), .string("country", nullable: true), .boolean("active", nullable: true),
      .int32("part"),
    ])
    let columns: [ParquetColumnValues] = [
      .strings(["u1", "", "ü-ß", "u1"]),
      .int64([1_700_000_000_123_456, 0, -1, 42], validity: [true, true, false, true]),
      .int64([Int64.min, Int64.max, 0, 7], validity: [true, true, true, false]),
      .double([1.5, -.infinity, .infinity, -2], validity: nil),
      .strings([nil, "DE", "日本", nil]),
      .boolean([true, false, false, true], validity: [true, true, false, true]),
      .int32([Int32.min, Int32.max, 0, -1], validity: nil),
    ]
    for compression in [ParquetCompression.zstd, .snappy, .uncompressed] {
      for dictionary in [true, false] {
        let path = directory.path + "/py-\(compression)-\(dictionary).parquet"
        var options = ParquetWriterOptions(
          compression: compression, dictionaryEnabled: dictionary, keyValueMetadata: ["k": "v"])
        options.dataPageVersion = dictionary ? .v1 : .v2
        let writer = try ParquetWriter(path: path, schema: schema, options: options)
        try writer.write(rowGroup: columns)
        try writer.close()
        let result = try jsonObject(try Python.run(Self.describeFile, [path]))
        let types = try XCTUnwrap(result["types"] as? [String: String])
        XCTAssertEqual(
          types,
          [
            "user_id": "string", "event_time": "timestamp[us, tz=UTC]", "clicks": "int64",
            "spend": "double",
            "country": "string", "active": "bool", "part": "int32",
          ])
        let nullable = try XCTUnwrap(result["nullable"] as? [String: Bool])
        XCTAssertEqual(nullable["user_id"], false)
        XCTAssertEqual(nullable["country"], true)
        XCTAssertEqual(result["rows"] as? Int, 4)
        let values = try XCTUnwrap(result["values"] as? [String: [Any]])
        XCTAssertEqual(values["user_id"] as? [String], ["u1", "", "ü-ß", "u1"])
        XCTAssertEqual(values["country"]?.map { $0 as? String }, [nil, "DE", "日本", nil])
        XCTAssertEqual(
          values["clicks"]?.map { ($0 as? NSNumber)?.int64Value }, [Int64.min, Int64.max, 0, nil])
        XCTAssertEqual(values["spend"]?.map { "\($0)" }, ["1.5", "-inf", "inf", "-2.0"])
        XCTAssertEqual(values["active"]?.map { $0 as? Bool }, [true, false, nil, true])
        XCTAssertEqual(
          values["part"]?.map { ($0 as? NSNumber)?.int32Value }, [Int32.min, Int32.max, 0, -1])
        let rawTimestamps = try XCTUnwrap(result["raw_ts"] as? [Any])
        XCTAssertEqual(
          rawTimestamps.map { ($0 as? NSNumber)?.int64Value }, [1_700_000_000_123_456, 0, nil, 42])
        let stats = try XCTUnwrap(result["stats"] as? [String: [String: Any]])
        XCTAssertEqual(stats["clicks"]?["min"] as? NSNumber, NSNumber(value: Int64.min))
        XCTAssertEqual(stats["clicks"]?["max"] as? NSNumber, NSNumber(value: Int64.max))
        XCTAssertEqual(stats["clicks"]?["null_count"] as? Int, 1)
        XCTAssertEqual(stats["country"]?["min"] as? String, "DE")
        XCTAssertEqual(stats["country"]?["max"] as? String, "日本")
        XCTAssertEqual(stats["country"]?["null_count"] as? Int, 2)
        XCTAssertEqual(stats["spend"]?["min"] as? String, "-inf")
        XCTAssertEqual(stats["user_id"]?["min"] as? String, "")
        XCTAssertEqual(stats["part"]?["min"] as? Int, Int(Int32.min))
        XCTAssertEqual(stats["active"]?["max"] as? Bool, true)
        XCTAssertEqual(stats["event_time"]?["min"] as? String, "1970-01-01T00:00:00+00:00")
        XCTAssertEqual(result["kv"] as? [String: String], ["k": "v"])
      }
    }
  }
}
