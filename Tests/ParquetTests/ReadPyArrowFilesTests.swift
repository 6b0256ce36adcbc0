import Foundation
import Parquet
import TestSupport
import XCTest

/// Files pyarrow writes — every codec, dictionary on and off (and a dictionary that
/// overflows mid-chunk), data page v1 and v2, several pages and row groups — read back to
/// exactly the values pyarrow was given.
final class ReadPyArrowFilesTests: XCTestCase {
  static let rows = 5000

  static let writeFiles = """
    import sys, math
    import pyarrow as pa, pyarrow.parquet as pq
    n = int(sys.argv[2])
    def i64(i):
        if i % 11 == 0: return None
        if i == 1: return -2**63
        if i == 2: return 2**63 - 1
        return (i - 2500) * 3000000000000
    def dbl(i):
        if i % 13 == 0: return None
        if i % 97 == 5: return float("nan")
        if i == 3: return float("inf")
        if i == 4: return float("-inf")
        return i * 0.25
    table = pa.table({
        "i32": pa.array([(i * 7919) % 200003 - 100000 for i in range(n)], pa.int32()),
        "i64": pa.array([i64(i) for i in range(n)], pa.int64()),
        "dbl": pa.array([dbl(i) for i in range(n)], pa.float64()),
        "flag": pa.array([None if i % 17 == 0 else i % 3 == 0 for i in range(n)], pa.bool_()),
        "str": pa.array([None if i % 19 == 0 else ("" if i % 23 == 0 else f"s{i % 50}-ü") for i in range(n)], pa.string()),
        "ukey": pa.array([f"key-{i}" for i in range(n)], pa.string()),
        "ts": pa.array([None if i % 29 == 0 else 1700000000000000 + i * 1000 for i in range(n)], pa.timestamp("us", tz="UTC")),
    })
    out = sys.argv[1]
    for codec in ["zstd", "snappy", "none"]:
        for dictionary in ["on", "off", "overflow"]:
            for version in ["1.0", "2.0"]:
                pq.write_table(
                    table, f"{out}/{codec}-{dictionary}-{version}.parquet", compression=codec,
                    use_dictionary=dictionary != "off", data_page_version=version,
                    dictionary_pagesize_limit=200 if dictionary == "overflow" else 1 << 20,
                    data_page_size=8192, row_group_size=1700)
    """

  private func expected() -> [String: ParquetColumnValues] {
    let range = 0..<Self.rows
    func i64(_ i: Int) -> Int64? {
      if i % 11 == 0 { return nil }
      if i == 1 { return .min }
      if i == 2 { return .max }
      return Int64(i - 2500) * 3_000_000_000_000
    }
    func dbl(_ i: Int) -> Double? {
      if i % 13 == 0 { return nil }
      if i % 97 == 5 { return .nan }
      if i == 3 { return .infinity }
      if i == 4 { return -.infinity }
      return Double(i) * 0.25
    }
    return [
      "i32": .int32(range.map { Int32(($0 * 7919) % 200_003 - 100_000) }, validity: nil),
      "i64": .int64(range.map { i64($0) ?? 0 }, validity: range.map { i64($0) != nil }),
      "dbl": .double(range.map { dbl($0) ?? 0 }, validity: range.map { dbl($0) != nil }),
      "flag": .boolean(range.map { $0 % 3 == 0 }, validity: range.map { $0 % 17 != 0 }),
      "str": .strings(range.map { $0 % 19 == 0 ? nil : ($0 % 23 == 0 ? "" : "s\($0 % 50)-ü") }),
      "ukey": .strings(range.map { "key-\($0)" }),
      "ts": .int64(
        range.map { 1_700_000_000_000_000 + Int64($0) * 1000 }, validity: range.map { $0 % 29 != 0 }
      ),
    ]
  }

  func testReadsEveryCodecDictionaryModeAndPageVersion() throws {
    try requirePython()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try Python.run(Self.writeFiles, [directory.path, "\(Self.rows)"])
    let expected = expected()
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    XCTAssertEqual(files.count, 18)
    for file in files {
      let reader = try ParquetReader(path: directory.path + "/" + file)
      XCTAssertEqual(reader.numRows, Int64(Self.rows), file)
      XCTAssertEqual(reader.rowGroupCount, 3, file)
      XCTAssertNotNil(reader.keyValueMetadata["ARROW:schema"], file)
      let descriptor = try XCTUnwrap(reader.schema.columns.first { $0.name == "ts" })
      XCTAssertEqual(descriptor.logicalType, .timestamp(isAdjustedToUTC: true, unit: .micros))
      XCTAssertEqual(reader.schema.columns.first { $0.name == "str" }?.logicalType, .string)
      for (name, values) in expected {
        assertSameValues(try reader.readColumn(named: name), values, "\(file) \(name)")
      }
      // One row group on its own: the second holds rows 1700..<3400.
      assertSameValues(
        try reader.readColumn(named: "ukey", rowGroup: 1),
        .strings((1700..<3400).map { "key-\($0)" }),
        "\(file) ukey row group 1")
      let encodings = Set(reader.metadata.rowGroups.flatMap { $0.columns.flatMap(\.encodings) })
      if file.contains("-on-") || file.contains("-overflow-") {
        XCTAssertTrue(
          encodings.contains(.rleDictionary) || encodings.contains(.plainDictionary),
          "\(file) \(encodings)")
      }
      let statistics = try XCTUnwrap(reader.metadata.statistics(column: "i64"))
      XCTAssertEqual(statistics.min, .int64(.min), file)
      XCTAssertEqual(statistics.max, .int64(.max), file)
      XCTAssertEqual(
        statistics.nullCount, Int64((0..<Self.rows).filter { $0 % 11 == 0 }.count), file)
      XCTAssertEqual(reader.metadata.statistics(column: "str")?.min?.stringValue, "", file)
    }
  }

  /// delta-rs (arrow-rs underneath) data files, plain writes and a compaction, read to the
  /// same values pyarrow reads from them.
  func testReadsDataFilesDeltaRsWrites() throws {
    try requirePython()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let script = """
      import glob, sys
      import pyarrow as pa, deltalake
      n = 30000
      t = pa.table({
          "k": [f"key-{i}-{i * 7}-é" for i in range(n)], "i": list(range(-5, n - 5)),
          "d": [i * 0.5 for i in range(n)],
          "ts": pa.array([None if i % 5 == 0 else i for i in range(n)], pa.timestamp("us", tz="UTC")),
          "b": [i % 2 == 0 for i in range(n)], "s": [None if i % 3 == 0 else "x" for i in range(n)],
          "p": pa.array([i % 4 for i in range(n)], pa.int32()),
      })
      table = sys.argv[1] + "/t"
      deltalake.write_deltalake(table, t)
      deltalake.write_deltalake(table, t, mode="append", configuration=None)
      deltalake.DeltaTable(table).optimize.compact()
      print("\\n".join(sorted(glob.glob(table + "/*.parquet"))))
      """
    let paths = try Python.run(script, [directory.path]).split(separator: "\n").map(String.init)
    XCTAssertEqual(paths.count, 3)
    var files: [PyArrowCheck.File] = []
    for path in paths {
      let reader = try ParquetReader(path: path)
      XCTAssertTrue(reader.metadata.createdBy?.hasPrefix("delta-rs") ?? false)
      let columns = try reader.schema.columns.indices.map { try reader.readColumn($0) }
      XCTAssertEqual(columns.first?.count, Int(reader.numRows))
      files.append(PyArrowCheck.File(path: path, schema: reader.schema, columns: columns))
    }
    try PyArrowCheck.assertReads(files)
  }
}
