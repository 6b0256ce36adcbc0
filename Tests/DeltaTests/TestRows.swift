import Foundation
import Parquet

@testable import Delta

/// Test rows in one neutral shape (JSON values, timestamps as microseconds) so that what we
/// read and what deltalake reads can be compared directly.
enum TestRows {
  static let schema = DeltaSchema([
    DeltaField("id", .long), DeltaField("name", .string), DeltaField("at", .timestamp),
    DeltaField("score", .double), DeltaField("flag", .boolean), DeltaField("small", .integer),
  ])

  /// Rows `ids`: every column derived from the id, with a null name and score for multiples of 3.
  static func columns(_ ids: [Int64]) -> [ParquetColumnValues] {
    let present = ids.map { $0 % 3 != 0 }
    return [
      .int64(ids, validity: nil),
      .strings(ids.map { $0 % 3 == 0 ? nil : "name-\($0)" }),
      .int64(ids.map { 1_704_067_200_000_000 + $0 * 1_000_001 }, validity: nil),
      .double(ids.map { Double($0) + 0.5 }, validity: present),
      .boolean(ids.map { $0 % 2 == 0 }, validity: nil),
      .int32(ids.map { Int32($0 % 100) }, validity: nil),
    ]
  }

  /// The rows `columns(ids)` describes, as JSON objects.
  static func expected(_ ids: [Int64]) -> [[String: JSONValue]] {
    ids.sorted().map { id in
      [
        "id": .integer(id), "name": id % 3 == 0 ? .null : .string("name-\(id)"),
        "at": .integer(1_704_067_200_000_000 + id * 1_000_001),
        "score": id % 3 == 0 ? .null : .double(Double(id) + 0.5), "flag": .bool(id % 2 == 0),
        "small": .integer(id % 100),
      ]
    }
  }

  /// Batches as JSON rows sorted by id.
  static func rows(_ batches: [DeltaBatch]) -> [[String: JSONValue]] {
    var rows: [[String: JSONValue]] = []
    for batch in batches {
      for row in 0..<batch.rowCount {
        var object: [String: JSONValue] = [:]
        for (field, column) in zip(batch.fields, batch.columns) {
          object[field.name] = value(column, row)
        }
        rows.append(object)
      }
    }
    return rows.sorted { ($0["id"]?.int64Value ?? 0) < ($1["id"]?.int64Value ?? 0) }
  }

  static func value(_ column: ParquetColumnValues, _ row: Int) -> JSONValue {
    if column.isNull(at: row) { return .null }
    switch column {
    case .int64(let values, _): return .integer(values[row])
    case .int32(let values, _): return .integer(Int64(values[row]))
    case .double(let values, _): return .double(values[row])
    case .boolean(let values, _): return .bool(values[row])
    case .byteArray(let values, _): return .string(values.string(at: row))
    }
  }
}
