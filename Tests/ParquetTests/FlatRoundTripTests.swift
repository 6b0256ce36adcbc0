import Parquet
import TestSupport
import XCTest

final class FlatRoundTripTests: XCTestCase {
  private func userSchema() throws -> ParquetSchema {
    try ParquetSchema([
      .string("user_id"), .timestampMicros("event_time"), .int64("clicks", nullable: true),
      .double("spend", nullable: true), .string("country", nullable: true), .boolean("active"),
      .int32("partition"),
    ])
  }

  private func userColumns(rows: Int, seed: UInt64) -> [ParquetColumnValues] {
    var random = SplitMix64(seed: seed)
    let countries = ["DE", "FR", "", "日本", "US"]
    return [
      .strings((0..<rows).map { "user-\($0 % 97)" }),
      .int64((0..<rows).map { 1_700_000_000_000_000 + Int64($0) }, validity: nil),
      .int64(
        (0..<rows).map { _ in Int64.random(in: -5...Int64.max, using: &random) },
        validity: (0..<rows).map { $0 % 7 != 0 }),
      .double((0..<rows).map { Double($0) * 0.5 - 10 }, validity: nil),
      .strings((0..<rows).map { $0 % 5 == 4 ? nil : countries[$0 % 5] }),
      .boolean((0..<rows).map { $0 % 3 == 0 }, validity: nil),
      .int32((0..<rows).map { Int32($0 % 4) }, validity: nil),
    ]
  }

  func testWriteThenReadEveryCodecAndDictionarySetting() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let schema = try userSchema()
    let columns = userColumns(rows: 3000, seed: 1)
    var files: [PyArrowCheck.File] = []
    for compression in [ParquetCompression.zstd, .snappy, .uncompressed] {
      for dictionary in [true, false] {
        for pageVersion in [ParquetWriterOptions.DataPageVersion.v1, .v2] {
          let path = directory.path + "/t-\(compression)-\(dictionary)-\(pageVersion).parquet"
          var options = ParquetWriterOptions(
            compression: compression, dictionaryEnabled: dictionary)
          options.dataPageVersion = pageVersion
          options.dataPageSize = 4096
          let writer = try ParquetWriter(path: path, schema: schema, options: options)
          try writer.write(rowGroup: columns)
          let written = try writer.close()
          XCTAssertEqual(written.numRows, 3000)
          let reader = try ParquetReader(path: path)
          XCTAssertEqual(reader.schema, schema)
          XCTAssertEqual(reader.numRows, 3000)
          XCTAssertEqual(reader.metadata.rowGroups[0].columns[0].compression, compression)
          let hasDictionary = reader.metadata.rowGroups[0].columns[0].encodings.contains(
            .rleDictionary)
          XCTAssertEqual(hasDictionary, dictionary)
          for (index, expected) in columns.enumerated() {
            assertSameValues(try reader.readColumn(index), expected, "\(path) column \(index)")
          }
          files.append(PyArrowCheck.File(path: path, schema: schema, columns: columns))
        }
      }
    }
    try PyArrowCheck.assertReads(files)
  }

  func testDictionaryFallsBackToPlainWhenItOutgrowsItsLimit() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let schema = try ParquetSchema([.string("unique"), .string("few"), .int64("ids")])
    let rows = 5000
    let columns: [ParquetColumnValues] = [
      .strings((0..<rows).map { "value-\($0)" }), .strings((0..<rows).map { "v\($0 % 3)" }),
      .int64((0..<rows).map { Int64($0) }, validity: nil),
    ]
    var options = ParquetWriterOptions()
    options.dictionaryPageSizeLimit = 4096
    let path = directory.path + "/fallback.parquet"
    let writer = try ParquetWriter(path: path, schema: schema, options: options)
    try writer.write(rowGroup: columns)
    let metadata = try writer.close()
    let encodings = metadata.rowGroups[0].columns.map { Set($0.encodings) }
    XCTAssertEqual(encodings, [[.plain, .rle], [.plain, .rle, .rleDictionary], [.plain, .rle]])
    let reader = try ParquetReader(path: path)
    for (index, expected) in columns.enumerated() {
      assertSameValues(try reader.readColumn(index), expected, "column \(index)")
    }
    try PyArrowCheck.assertReads([PyArrowCheck.File(path: path, schema: schema, columns: columns)])
  }

  func testStatisticsAndKeyValueMetadata() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let schema = try ParquetSchema([
      .int32("small", nullable: true), .int64("big"), .double("ratio"), .string("name"),
      .boolean("flag"),
    ])
    let path = directory.path + "/stats.parquet"
    var options = ParquetWriterOptions(keyValueMetadata: ["origin": "test", "delta": "{}"])
    options.maxRowsPerRowGroup = 2
    let writer = try ParquetWriter(path: path, schema: schema, options: options)
    let columns: [ParquetColumnValues] = [
      .int32([-3, 0, 7, 9], validity: [true, false, true, true]),
      .int64([Int64.min, 5, Int64.max, -1], validity: nil),
      .double([.nan, -0.0, 2.5, -.infinity], validity: nil),
      .strings(["b", "ä", "", "abc"]),
      .boolean([true, true, true, true], validity: nil),
    ]
    try writer.write(rowGroup: columns)
    let written = try writer.close()
    let reader = try ParquetReader(path: path)
    XCTAssertEqual(reader.rowGroupCount, 2)
    XCTAssertEqual(reader.keyValueMetadata, ["origin": "test", "delta": "{}"])
    for metadata in [written, reader.metadata] {
      XCTAssertEqual(
        metadata.statistics(column: "small"),
        ParquetStatistics(min: .int32(-3), max: .int32(9), nullCount: 1))
      XCTAssertEqual(metadata.statistics(column: "big")?.min, .int64(.min))
      XCTAssertEqual(metadata.statistics(column: "big")?.max, .int64(.max))
      XCTAssertEqual(metadata.statistics(column: "ratio")?.min, .double(-.infinity))
      XCTAssertEqual(metadata.statistics(column: "ratio")?.max, .double(2.5))
      XCTAssertEqual(metadata.statistics(column: "name")?.min?.stringValue, "")
      XCTAssertEqual(metadata.statistics(column: "name")?.max?.stringValue, "ä")
      XCTAssertEqual(metadata.statistics(column: "flag")?.min, .boolean(true))
      XCTAssertEqual(metadata.statistics(column: "flag")?.nullCount, 0)
    }
    XCTAssertEqual(reader.metadata.rowGroups[0].columns[2].statistics?.min, .double(-0.0))
    XCTAssertEqual(written.fileSize, reader.metadata.fileSize)
    let minimum = try XCTUnwrap(reader.metadata.rowGroups[0].columns[2].statistics?.min)
    guard case .double(let zero) = minimum else { return XCTFail("\(minimum)") }
    XCTAssertEqual(zero.sign, .minus, "a zero minimum is written as -0.0")
    try PyArrowCheck.assertReads([PyArrowCheck.File(path: path, schema: schema, columns: columns)])
  }

  /// Megabyte pages and a multi-megabyte plain column exercise the writer's direct
  /// (unbuffered) page writes interleaved with buffered headers.
  func testLargeBatchWithFullSizePages() throws {
    try requirePython()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let rows = 60_000
    let schema = try ParquetSchema([.string("key"), .int64("n"), .string("low", nullable: true)])
    let columns: [ParquetColumnValues] = [
      .strings((0..<rows).map { "unique-key-\($0)-padding-to-make-it-long" }),
      .int64((0..<rows).map { Int64($0) * 7 }, validity: nil),
      .strings((0..<rows).map { $0 % 10 == 0 ? nil : "v\($0 % 5)" }),
    ]
    for compression in [ParquetCompression.uncompressed, .zstd] {
      let path = directory.path + "/large-\(compression).parquet"
      let writer = try ParquetWriter(
        path: path, schema: schema, options: ParquetWriterOptions(compression: compression))
      try writer.write(rowGroup: columns)
      try writer.write(rowGroup: columns)
      try writer.close()
      let reader = try ParquetReader(path: path)
      for group in 0..<2 {
        for (index, expected) in columns.enumerated() {
          assertSameValues(
            try reader.readColumn(index, rowGroup: group), expected, "\(path) \(index)")
        }
      }
      let summary = try Python.run(
        """
        import sys, pyarrow.parquet as pq, pyarrow.compute as pc
        t = pq.read_table(sys.argv[1])
        print(t.num_rows, pc.sum(t["n"]).as_py(), pc.count(t["low"]).as_py(), t["key"][-1])
        """, [path])
      XCTAssertEqual(
        summary.trimmingCharacters(in: .whitespacesAndNewlines),
        "\(2 * rows) \(2 * 7 * (rows - 1) * rows / 2) \(2 * rows * 9 / 10) unique-key-\(rows - 1)-padding-to-make-it-long"
      )
    }
  }
}
