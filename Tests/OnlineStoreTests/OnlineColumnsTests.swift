import XCTest

@testable import OnlineStore

final class OnlineColumnsTests: XCTestCase {
  private let keyTypes: [OnlineColumnType] = [.string, .bigint, .timestamp, .boolean, .double]
  private let valueTypes: [OnlineColumnType] = [.string, .double, .bigint]

  private func write(_ index: Int, delete: Bool = false) -> OnlineWrite {
    OnlineWrite(
      key: [
        .string(index % 2 == 0 ? "caf\u{E9}\(index)" : "k\(index)"), .bigint(Int64(-index)),
        .timestamp(Int64(index) * 1000), .boolean(index % 3 == 0),
        .double(index == 0 ? -0.0 : Double(index) / 3),
      ],
      eventTime: Int64(index), partition: Int32(index % 4), offset: Int64(index * 10),
      operation: delete ? .delete : .upsert,
      values: delete ? [] : [index % 5 == 0 ? .null : .string(""), .double(.nan), .null])
  }

  /// Rows copied into columns read back as the same keys, values, orders and deletes, and
  /// each key encodes as `EntitySlots` encodes the `OnlineValue`s.
  func testColumnsFromRowsReadBackTheRows() {
    let writes = (0..<50).map { write($0, delete: $0 % 7 == 3) }
    let reader = OnlineRowReader(
      OnlineColumns(rowsOf: writes, keyTypes: keyTypes, valueTypes: valueTypes))
    XCTAssertEqual(reader.columns.rows, (0..<50).map { Int32($0) })
    var fromColumns: [UInt8] = []
    var fromValues: [UInt8] = []
    for (row, write) in writes.enumerated() {
      XCTAssertEqual(reader.key(row), write.key)
      XCTAssertEqual(reader.columns.order(at: row), write.order)
      XCTAssertEqual(reader.columns.deletes[row], write.operation == .delete)
      reader.encodeKey(row, into: &fromColumns)
      EntitySlots.encode(write.key, into: &fromValues)
      XCTAssertEqual(fromColumns, fromValues, "row \(row)")
      let values = reader.values.map { $0.value(row) }
      if write.operation == .delete {
        XCTAssertEqual(values, [.null, .null, .null])
      } else {
        XCTAssertEqual(values[0], write.values[0])
        XCTAssertTrue(values[1].isNaN)
        XCTAssertEqual(values[2], .null)
      }
    }
  }

  /// Booleans held as `[Bool]` (the ingestion batch's layout) encode like 0/1 integers.
  func testBooleanStorageEncodesLikeIntegers() {
    let asBooleans = OnlineColumnReader(
      OnlineColumnValues(type: .boolean, storage: .booleans([true, false]), validity: nil))
    let asIntegers = OnlineColumnReader(
      OnlineColumnValues(type: .boolean, values: [.boolean(true), .boolean(false)]))
    for row in 0..<2 {
      var left: [UInt8] = []
      var right: [UInt8] = []
      asBooleans.appendKeyEncoding(row, to: &left)
      asIntegers.appendKeyEncoding(row, to: &right)
      XCTAssertEqual(left, right)
      XCTAssertEqual(asBooleans.value(row), .boolean(row == 0))
    }
  }

  /// Wherever two sort keys differ they order the slots as `precedes` does.
  func testSortKeysAgreeWithPrecedes() {
    let strings = ["", "\0", "a", "a\0", "ab", "abcdefgh", "abcdefghi", "abcdefgg\u{FF}", "b", "é"]
    let numbers: [Int64] = [.min, -2, -1, 0, 1, 2, .max]
    for keys in [
      strings.map { [OnlineValue.string($0)] }, numbers.map { [OnlineValue.bigint($0)] },
    ] {
      var slots = EntitySlots(expectedCount: keys.count)
      for key in keys { _ = slots.slot(for: key) }
      for a in keys.indices {
        for b in keys.indices where slots.sortKey(a) != slots.sortKey(b) {
          XCTAssertEqual(
            slots.sortKey(a) < slots.sortKey(b), slots.precedes(a, b), "\(keys[a]) vs \(keys[b])")
        }
      }
    }
  }
}
