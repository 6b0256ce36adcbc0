import Foundation
import Parquet
import TestSupport
import XCTest

/// Seeded random schemas, batches and options round-trip exactly through writer and
/// reader, statistics match the data, and pyarrow reads every file to the same values.
final class PropertyTests: XCTestCase {
  func testRandomFlatFilesRoundTripAndPyArrowAgrees() throws {
    try requirePython()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var written: [PyArrowCheck.File] = []
    for seed in UInt64(1)...60 {
      var data = RandomData(seed: seed)
      let (schema, kinds) = try data.schema()
      let options = data.options()
      let rows = data.chance(10) ? 0 : Int.random(in: 1...2500, using: &data.random)
      let columns = zip(kinds, schema.columns).map {
        data.column($0, nullable: $1.repetition == .optional, rows: rows)
      }
      let path = directory.path + "/random-\(seed).parquet"
      let writer = try ParquetWriter(path: path, schema: schema, options: options)
      // Several writes, so row groups of uneven sizes follow each other.
      var start = 0
      while start < rows {
        let end = min(rows, start + Int.random(in: 1...1200, using: &data.random))
        try writer.write(rowGroup: columns.map { $0.slice(start..<end) })
        start = end
      }
      let metadata = try writer.close()
      let reader = try ParquetReader(path: path)
      XCTAssertEqual(reader.numRows, Int64(rows), "seed \(seed)")
      XCTAssertEqual(reader.schema, schema, "seed \(seed)")
      var firstRow = 0
      for group in 0..<reader.rowGroupCount {
        let count = Int(reader.metadata.rowGroups[group].numRows)
        XCTAssertLessThanOrEqual(count, options.maxRowsPerRowGroup)
        for (index, expected) in columns.enumerated() {
          assertSameValues(
            try reader.readColumn(index, rowGroup: group),
            expected.slice(firstRow..<firstRow + count),
            "seed \(seed) group \(group) column \(index)")
        }
        firstRow += count
      }
      for (index, expected) in columns.enumerated() {
        assertSameValues(try reader.readColumn(index), expected, "seed \(seed) column \(index)")
        if rows > 0 {
          XCTAssertEqual(
            metadata.statistics(column: index), expectedStatistics(expected),
            "seed \(seed) column \(index)")
          XCTAssertEqual(
            reader.metadata.statistics(column: index), expectedStatistics(expected),
            "seed \(seed) column \(index)")
        }
      }
      written.append(PyArrowCheck.File(path: path, schema: schema, columns: columns))
    }
    try PyArrowCheck.assertReads(written)
  }

  func testRandomCheckpointRowsRoundTripAndPyArrowAgrees() throws {
    try requirePython()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let schema = try CheckpointSchemaTests.checkpointSchema()
    for seed in UInt64(100)...115 {
      var data = RandomData(seed: seed)
      let rows = (0..<Int.random(in: 1...300, using: &data.random)).map { _ in data.checkpointRow()
      }
      let path = directory.path + "/checkpoint-\(seed).parquet"
      var options = data.options()
      options.dataPageSize = 1 << 20
      let writer = try ParquetWriter(path: path, schema: schema, options: options)
      try writer.write(rows: rows)
      try writer.close()
      let expected = CheckpointSchemaTests.normalized(rows, schema)
      XCTAssertEqual(try ParquetReader(path: path).readRows(), expected, "seed \(seed)")
      let pyarrow = try JSONSerialization.jsonObject(
        with: Data(try Python.run(CheckpointSchemaTests.dumpRows, [path]).utf8))
      let pyRows = try XCTUnwrap(pyarrow as? [NSDictionary])
      XCTAssertEqual(pyRows.count, expected.count, "seed \(seed)")
      for (index, (pyRow, row)) in zip(pyRows, expected).enumerated() {
        let ours = JSONRendering.object(row) as? NSDictionary
        guard pyRow == ours else {
          XCTFail("seed \(seed) row \(index): pyarrow \(pyRow) ours \(String(describing: ours))")
          break
        }
      }
    }
  }

  /// Statistics computed the slow, obvious way.
  private func expectedStatistics(_ column: ParquetColumnValues) -> ParquetStatistics {
    let present = (0..<column.count).filter { !column.isNull(at: $0) }
    var statistics = ParquetStatistics(nullCount: Int64(column.count - present.count))
    switch column {
    case .int32(let values, _):
      let items = present.map { values[$0] }
      statistics.min = items.min().map { .int32($0) }
      statistics.max = items.max().map { .int32($0) }
    case .int64(let values, _):
      let items = present.map { values[$0] }
      statistics.min = items.min().map { .int64($0) }
      statistics.max = items.max().map { .int64($0) }
    case .double(let values, _):
      let items = present.map { values[$0] }.filter { !$0.isNaN }
      statistics.min = items.min().map { .double($0 == 0 ? -0.0 : $0) }
      statistics.max = items.max().map { .double($0 == 0 ? 0.0 : $0) }
    case .boolean(let values, _):
      let items = present.map { values[$0] }
      statistics.min = items.isEmpty ? nil : .boolean(!items.contains(false))
      statistics.max = items.isEmpty ? nil : .boolean(items.contains(true))
    case .byteArray(let values, _):
      let items = present.map { Array(values[$0]) }
      statistics.min = items.min { $0.lexicographicallyPrecedes($1) }.map { .byteArray($0) }
      statistics.max = items.max { $0.lexicographicallyPrecedes($1) }.map { .byteArray($0) }
    }
    return statistics
  }
}
