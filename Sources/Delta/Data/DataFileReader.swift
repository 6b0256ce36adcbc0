import Foundation
import Parquet

/// Reads the columns of one data file as the table's schema describes them.
///
/// A column the file lacks (added later by schema evolution) reads as nulls; timestamps in
/// milli- or nanoseconds (other writers) are brought to microseconds; narrower integers are
/// widened to `long`. Anything else that disagrees with the schema is an error, not a guess.
enum DataFileReader {
  static func read(source: any ParquetByteSource, file: AddFile, fields: [DeltaField]) throws
    -> DeltaBatch
  {
    let reader: ParquetReader
    do {
      reader = try ParquetReader(source: source)
    } catch {
      throw DeltaError.dataFile(path: file.path, reason: "\(error)")
    }
    let rows = Int(reader.numRows)
    var columns: [ParquetColumnValues] = []
    for field in fields {
      guard let index = reader.schema.columnIndex(named: field.name) else {
        columns.append(try ColumnConcatenation.nulls(field, rows: rows))
        continue
      }
      let descriptor = reader.schema.columns[index]
      let values: ParquetColumnValues
      do {
        values = try reader.readColumn(index)
      } catch {
        throw DeltaError.dataFile(path: file.path, reason: "column \(field.name): \(error)")
      }
      columns.append(try conform(values, descriptor: descriptor, to: field, path: file.path))
    }
    return DeltaBatch(file: file, fields: fields, columns: columns, rowCount: rows)
  }

  static func conform(
    _ values: ParquetColumnValues, descriptor: ParquetColumnDescriptor, to field: DeltaField,
    path: String
  ) throws -> ParquetColumnValues {
    switch (field.type, values) {
    case (.timestamp, .int64(let raw, let validity)),
      (.timestampWithoutTimeZone, .int64(let raw, let validity)):
      if case .timestamp(_, .millis)? = descriptor.logicalType {
        return .int64(raw.map { $0 &* 1000 }, validity: validity)
      }
      if case .timestamp(_, .nanos)? = descriptor.logicalType {
        return .int64(raw.map { $0 / 1000 }, validity: validity)
      }
      return values
    case (.long, .int32(let raw, let validity)):
      return .int64(raw.map(Int64.init), validity: validity)
    default:
      guard values.physicalType == field.type.batchPhysicalType else {
        throw DeltaError.dataFile(
          path: path,
          reason: "column \(field.name) is stored as \(descriptor.physicalType), "
            + "the schema says \(field.type.sparkName)")
      }
      return values
    }
  }
}
