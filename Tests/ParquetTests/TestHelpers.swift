import Foundation
import Parquet
import TestSupport
import XCTest

/// Compares two batch columns slot by slot: nulls must agree, present values must be
/// identical (doubles by bit pattern, so NaN and -0.0 count).
func assertSameValues(
  _ actual: ParquetColumnValues, _ expected: ParquetColumnValues, _ label: String,
  file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertEqual(actual.count, expected.count, "\(label): row count", file: file, line: line)
  guard actual.count == expected.count else { return }
  for row in 0..<expected.count {
    let expectedNull = expected.isNull(at: row)
    guard actual.isNull(at: row) == expectedNull else {
      XCTFail("\(label) row \(row): null mismatch", file: file, line: line)
      return
    }
    if expectedNull { continue }
    let same: Bool
    switch (actual, expected) {
    case (.boolean(let a, _), .boolean(let b, _)): same = a[row] == b[row]
    case (.int32(let a, _), .int32(let b, _)): same = a[row] == b[row]
    case (.int64(let a, _), .int64(let b, _)): same = a[row] == b[row]
    case (.double(let a, _), .double(let b, _)): same = a[row].bitPattern == b[row].bitPattern
    case (.byteArray(let a, _), .byteArray(let b, _)): same = a[row] == b[row]
    default: same = false
    }
    guard same else {
      XCTFail("\(label) row \(row): value mismatch", file: file, line: line)
      return
    }
  }
}

/// The venv interpreter must exist: interop tests fail (never skip) without it.
func requirePython(file: StaticString = #filePath, line: UInt = #line) throws {
  guard FileManager.default.isExecutableFile(atPath: Python.interpreter) else {
    XCTFail(
      "python interpreter \(Python.interpreter) missing; run make venv", file: file, line: line)
    throw ParquetError.io("no python")
  }
}

/// Decodes pyarrow's JSON answer.
func jsonObject(_ text: String) throws -> [String: Any] {
  let data = Data(text.utf8)
  guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
    throw ParquetError.invalidArgument("python printed no JSON object: \(text)")
  }
  return object
}
