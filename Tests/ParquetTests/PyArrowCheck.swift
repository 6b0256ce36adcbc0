import Foundation
import Parquet
import TestSupport
import XCTest

/// Has pyarrow read flat files we wrote (all in one interpreter run) and checks each
/// column's Arrow type and every value against what was written.
enum PyArrowCheck {
  struct File {
    let path: String
    let schema: ParquetSchema
    let columns: [ParquetColumnValues]
  }

  static let dumpFlatFiles = """
    import json, math, sys
    import pyarrow as pa, pyarrow.parquet as pq
    def clean(v):
        if isinstance(v, float):
            if math.isnan(v): return "NaN"
            if math.isinf(v): return "inf" if v > 0 else "-inf"
            return v.hex()
        return v
    result = {}
    for path in sys.argv[1:]:
        t = pq.read_table(path)
        cols = {}
        for name in t.column_names:
            c = t.column(name)
            if pa.types.is_timestamp(c.type): c = c.cast(pa.int64())
            cols[name] = [clean(v) for v in c.to_pylist()]
        result[path] = {"types": {n: str(t.schema.field(n).type) for n in t.column_names}, "values": cols}
    print(json.dumps(result))
    """

  static func arrowType(_ descriptor: ParquetColumnDescriptor) -> String {
    switch (descriptor.physicalType, descriptor.logicalType) {
    case (.int64, .timestamp(true, .micros)): return "timestamp[us, tz=UTC]"
    case (.byteArray, .string): return "string"
    case (.byteArray, _): return "binary"
    case (.boolean, _): return "bool"
    case (.int32, _): return "int32"
    case (.int64, _): return "int64"
    default: return "double"
    }
  }

  static func assertReads(_ files: [File], file: StaticString = #filePath, line: UInt = #line)
    throws
  {
    try requirePython(file: file, line: line)
    let output = try Python.run(dumpFlatFiles, files.map(\.path))
    let results = try XCTUnwrap(
      try jsonObject(output) as? [String: [String: Any]], file: file, line: line)
    for written in files {
      let result = try XCTUnwrap(results[written.path], file: file, line: line)
      let types = try XCTUnwrap(result["types"] as? [String: String], file: file, line: line)
      let values = try XCTUnwrap(result["values"] as? [String: [Any]], file: file, line: line)
      for (descriptor, expected) in zip(written.schema.columns, written.columns) {
        XCTAssertEqual(
          types[descriptor.name], arrowType(descriptor), "\(written.path) \(descriptor.name)",
          file: file,
          line: line)
        let pyValues = try XCTUnwrap(values[descriptor.name], file: file, line: line)
        XCTAssertEqual(pyValues.count, expected.count, written.path, file: file, line: line)
        for row in 0..<min(pyValues.count, expected.count)
        where !matches(pyValues[row], expected, row: row) {
          XCTFail(
            "\(written.path) \(descriptor.name) row \(row): pyarrow read \(pyValues[row])",
            file: file,
            line: line)
          break
        }
      }
    }
  }

  private static func matches(_ value: Any, _ column: ParquetColumnValues, row: Int) -> Bool {
    if column.isNull(at: row) { return value is NSNull }
    switch column {
    case .int32(let values, _): return (value as? NSNumber)?.int64Value == Int64(values[row])
    case .int64(let values, _): return (value as? NSNumber)?.int64Value == values[row]
    case .boolean(let values, _): return (value as? Bool) == values[row]
    case .byteArray(let values, _): return (value as? String) == values.string(at: row)
    case .double(let values, _):
      let double = values[row]
      guard let text = value as? String else { return false }
      if double.isNaN { return text == "NaN" }
      if double.isInfinite { return text == (double > 0 ? "inf" : "-inf") }
      return Double(text).map { $0.bitPattern == double.bitPattern } ?? false
    }
  }
}
