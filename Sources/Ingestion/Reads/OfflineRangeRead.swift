import Delta
import Foundation
import Parquet

/// `offline read`: every row of a group's table with `from <= event_time < to`, as of one
/// table version, as one Parquet file sorted by primary key, then by write order
/// (`event_time`, partition, offset) — a batch-inference or backfill input that reads the
/// same bytes for the same arguments.
///
/// Sorted, not in file order: the files' order is an accident of commits and of
/// `maintenance optimize`, which rewrites them; the key order is a fact of the data. Every
/// row has a distinct (partition, offset), so the order is total and no tie is left to the
/// sort's stability.
public struct OfflineRangeRead {
  public struct Summary: Sendable {
    public var table: String
    public var version: Int64
    public var rows: Int
    public var filesRead: Int
    public var filesInVersion: Int
  }

  let inspector: StoreInspector

  public init(inspector: StoreInspector) { self.inspector = inspector }

  /// `from` and `to` in microseconds since the epoch (nil: unbounded).
  public func run(
    group name: String, from: Int64?, to: Int64?, asOf: OfflineHistory.AsOf, output: String
  ) throws -> Summary {
    let group = try inspector.group(named: name)
    let table = try inspector.offlineTable(group.tableName)
    let snapshot = try asOf.snapshot(of: table)
    // The statistics' bounds are inclusive; `to` is not.
    let predicate = ScanPredicate.between(
      "event_time", from.map(DeltaScalar.timestamp), to.map { DeltaScalar.timestamp($0 - 1) })
    let batches = try table.read(snapshot: snapshot, predicate: predicate)
    let fields = snapshot.schema.fields
    let names = fields.map(\.name)
    func column(_ name: String) throws -> Int {
      guard let index = names.firstIndex(of: name) else {
        throw ToolError.noOfflineTable("\(group.tableName) has no column \(name)")
      }
      return index
    }
    let keyColumns = try group.primaryKey.map(column)
    let orderColumns = try ["event_time", "_kafka_partition", "_kafka_offset"].map(column)
    var rows: [(batch: Int, row: Int)] = []
    for (index, batch) in batches.enumerated() {
      let times = batch.columns[orderColumns[0]]
      for row in 0..<batch.rowCount {
        guard let time = OfflineRowReader.int64(times, row) else { continue }
        if let from, time < from { continue }
        if let to, time >= to { continue }
        rows.append((index, row))
      }
    }
    ColumnOrder.sort(
      &rows, by: (keyColumns + orderColumns).map { column in batches.map { $0.columns[column] } })
    let columns = fields.indices.map { column in
      ColumnOrder.gather(batches.map { $0.columns[column] }, rows)
    }
    let writer = try ParquetWriter(path: output, schema: try snapshot.schema.parquetSchema())
    if !rows.isEmpty { try writer.write(rowGroup: columns) }
    _ = try writer.close()
    return Summary(
      table: group.tableName, version: snapshot.version, rows: rows.count,
      filesRead: batches.count, filesInVersion: snapshot.files.count)
  }
}

/// Row comparison and gathering over Parquet batch columns, for sorting rows read from
/// several files without turning them into values first.
enum ColumnOrder {
  /// Sorts `rows` by `columns` (per sort column, that column of every batch), first column
  /// first. Compared through a 64-bit prefix of the first column before any full
  /// comparison: a comparator that matches two enums per value took a minute for 10M rows.
  static func sort(_ rows: inout [(batch: Int, row: Int)], by columns: [[ParquetColumnValues]]) {
    guard let first = columns.first else { return }
    let prefixes = rows.map { prefix(first[$0.batch], $0.row) }
    var order = Array(rows.indices)
    order.sort { a, b in
      if prefixes[a] != prefixes[b] { return prefixes[a] < prefixes[b] }
      let (left, right) = (rows[a], rows[b])
      for column in columns {
        let sign = compare(column[left.batch], left.row, column[right.batch], right.row)
        if sign != 0 { return sign < 0 }
      }
      return false
    }
    rows = order.map { rows[$0] }
  }

  /// A number ordered as `compare` orders values wherever two numbers differ (equal numbers
  /// say nothing): 0 for null, integers with the sign bit flipped, the first 8 bytes of a
  /// string big-endian, false 1 and true 2; every double 0 (left to `compare`).
  static func prefix(_ column: ParquetColumnValues, _ row: Int) -> UInt64 {
    if column.isNull(at: row) { return 0 }
    switch column {
    case .int64(let values, _): return UInt64(bitPattern: values[row]) ^ (1 << 63)
    case .int32(let values, _): return UInt64(bitPattern: Int64(values[row])) ^ (1 << 63)
    case .boolean(let values, _): return values[row] ? 2 : 1
    case .double: return 0
    case .byteArray(let values, _):
      let start = Int(values.offsets[row])
      let end = min(Int(values.offsets[row + 1]), start + 8)
      var word: UInt64 = 0
      for index in start..<(start + 8) {
        word = word << 8 | (index < end ? UInt64(values.bytes[index]) : 0)
      }
      return word
    }
  }

  /// -1, 0 or 1: nulls first, numbers by value, strings byte by byte (as SQLite and Spark
  /// order them, not by Swift's Unicode collation), false before true.
  static func compare(
    _ left: ParquetColumnValues, _ leftRow: Int, _ right: ParquetColumnValues, _ rightRow: Int
  ) -> Int {
    let leftNull = left.isNull(at: leftRow)
    let rightNull = right.isNull(at: rightRow)
    if leftNull || rightNull { return leftNull == rightNull ? 0 : (leftNull ? -1 : 1) }
    func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
    switch (left, right) {
    case (.int64(let a, _), .int64(let b, _)): return sign(a[leftRow], b[rightRow])
    case (.int32(let a, _), .int32(let b, _)): return sign(a[leftRow], b[rightRow])
    case (.double(let a, _), .double(let b, _)):
      let (x, y) = (a[leftRow], b[rightRow])
      return x.isTotallyOrdered(belowOrEqualTo: y)
        ? (y.isTotallyOrdered(belowOrEqualTo: x) ? 0 : -1) : 1
    case (.boolean(let a, _), .boolean(let b, _)):
      return a[leftRow] == b[rightRow] ? 0 : (a[leftRow] ? 1 : -1)
    case (.byteArray(let a, _), .byteArray(let b, _)):
      return a[leftRow].lexicographicallyPrecedes(b[rightRow])
        ? -1 : (b[rightRow].lexicographicallyPrecedes(a[leftRow]) ? 1 : 0)
    default: return 0
    }
  }

  /// The rows `rows` (batch, row) of `parts` (one column of each batch), as one column.
  static func gather(_ parts: [ParquetColumnValues], _ rows: [(batch: Int, row: Int)])
    -> ParquetColumnValues
  {
    let anyNull = parts.contains { $0.validity != nil }
    let validity = anyNull ? rows.map { !parts[$0.batch].isNull(at: $0.row) } : nil
    func values<T>(_ extract: (ParquetColumnValues) -> [T]) -> [T] {
      let arrays = parts.map(extract)
      return rows.map { arrays[$0.batch][$0.row] }
    }
    switch parts.first {
    case .int64, nil:
      return .int64(values { if case .int64(let v, _) = $0 { v } else { [] } }, validity: validity)
    case .int32:
      return .int32(values { if case .int32(let v, _) = $0 { v } else { [] } }, validity: validity)
    case .double:
      return .double(
        values { if case .double(let v, _) = $0 { v } else { [] } }, validity: validity)
    case .boolean:
      return .boolean(
        values { if case .boolean(let v, _) = $0 { v } else { [] } }, validity: validity)
    case .byteArray:
      var column = ByteArrayColumn()
      for (batch, row) in rows {
        guard case .byteArray(let values, _) = parts[batch] else { continue }
        column.append(bytes: values[row])
      }
      return .byteArray(column, validity: validity)
    }
  }
}
