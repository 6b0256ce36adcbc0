import Foundation
import Parquet

/// One data file of a snapshot, read a row group at a time.
///
/// A key look-up in a table sorted by key (what `maintenance optimize` leaves) touches a few
/// row groups of a few files: reading whole files would decode and hold every row of them.
/// With this, a reader checks each row group's statistics, reads only the columns that
/// decide which rows it wants, and only then the rest, of the row groups that hold some.
public final class DataFileRowGroups {
  public let file: AddFile
  private let reader: ParquetReader
  private let schema: DeltaSchema

  init(source: any ParquetByteSource, file: AddFile, schema: DeltaSchema) throws {
    self.file = file
    self.schema = schema
    do {
      reader = try ParquetReader(source: source)
    } catch {
      throw DeltaError.dataFile(path: file.path, reason: "\(error)")
    }
  }

  public var count: Int { reader.rowGroupCount }

  public func rowCount(of rowGroup: Int) -> Int { Int(reader.metadata.rowGroups[rowGroup].numRows) }

  /// False only when the row group's statistics of the predicate's column show that none
  /// of its rows matches; a row group without statistics is kept.
  public func mightMatch(_ rowGroup: Int, _ predicate: ScanPredicate) -> Bool {
    guard let field = schema.field(named: predicate.column),
      let index = reader.schema.columnIndex(named: predicate.column),
      let statistics = reader.metadata.rowGroups[rowGroup].columns[index].statistics
    else { return true }
    if let nulls = statistics.nullCount, nulls >= Int64(rowCount(of: rowGroup)) {
      return false  // every value is null: no comparison can hold
    }
    let descriptor = reader.schema.columns[index]
    return predicate.mightMatch(
      minimum: statistics.min.flatMap { Self.scalar($0, field.type, descriptor) },
      maximum: statistics.max.flatMap { Self.scalar($0, field.type, descriptor) })
  }

  /// A Parquet statistics value as a value of the table's type; nil when this reader does
  /// not compare that type (the row group is then kept).
  private static func scalar(
    _ value: ParquetScalar, _ type: DeltaDataType, _ descriptor: ParquetColumnDescriptor
  ) -> DeltaScalar? {
    switch (type, value) {
    case (.long, _), (.integer, _), (.short, _), (.byte, _):
      return value.int64Value.map { .long($0) }
    case (.double, .double(let number)): return .double(number)
    case (.string, .byteArray(let bytes)): return .string(String(decoding: bytes, as: UTF8.self))
    case (.boolean, .boolean(let flag)): return .boolean(flag)
    case (.timestamp, .int64(let raw)), (.timestampWithoutTimeZone, .int64(let raw)):
      switch descriptor.logicalType {
      case .timestamp(_, .millis)?: return .timestamp(raw &* 1000)
      case .timestamp(_, .nanos)?: return .timestamp(raw / 1000)
      default: return .timestamp(raw)  // as `DataFileReader` reads the values
      }
    default: return nil
    }
  }

  /// The columns `names` of one row group, typed as the table's schema says (as
  /// `DeltaTable.read` reads them; a column the file lacks reads as nulls).
  public func read(_ rowGroup: Int, columns names: [String]) throws -> [ParquetColumnValues] {
    try names.map { name in
      guard let field = schema.field(named: name) else {
        throw DeltaError.schemaMismatch(reason: "no column \(name) in the table")
      }
      guard let index = reader.schema.columnIndex(named: name) else {
        return try ColumnConcatenation.nulls(field, rows: rowCount(of: rowGroup))
      }
      let values: ParquetColumnValues
      do {
        values = try reader.readColumn(index, rowGroup: rowGroup)
      } catch {
        throw DeltaError.dataFile(path: file.path, reason: "column \(name): \(error)")
      }
      return try DataFileReader.conform(
        values, descriptor: reader.schema.columns[index], to: field, path: file.path)
    }
  }
}

extension DeltaTable {
  /// `file` of `snapshot`, opened for reading row group by row group (only its footer is
  /// read here).
  public func rowGroups(of file: AddFile, snapshot: Snapshot) throws -> DataFileRowGroups {
    try DataFileRowGroups(source: try byteSource(of: file), file: file, schema: snapshot.schema)
  }
}
