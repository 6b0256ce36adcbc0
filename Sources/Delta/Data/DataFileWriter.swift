import Foundation
import Parquet

/// Writes one Parquet data file (zstd) of a batch under the table root and describes it
/// as an `add` action with statistics. Nothing is visible to readers until the action is
/// committed: a writer killed before its commit leaves only an orphan file that no snapshot
/// lists (vacuum may delete it).
enum DataFileWriter {
  static func write(
    columns: [ParquetColumnValues], schema: DeltaSchema, partitionColumns: [String],
    storage: any TableStorage, dataChange: Bool, maxRowsPerRowGroup: Int
  ) throws -> AddFile {
    guard partitionColumns.isEmpty else {
      throw DeltaError.schemaMismatch(reason: "writing partitioned tables is not supported")
    }
    try validate(columns: columns, schema: schema)
    let rows = columns.first?.count ?? 0
    let parquetSchema = try schema.parquetSchema()
    let name = "part-00000-\(RandomUUID.text())-c000.zstd.parquet"
    var options = ParquetWriterOptions()
    options.compression = .zstd
    options.maxRowsPerRowGroup = maxRowsPerRowGroup
    // On a local disk the file is written in place (its name is unique) and removed should
    // the write fail; elsewhere it is written locally, then uploaded whole.
    let size = try storage.writeFile(name, replacing: false) { path, sync in
      do {
        let writer = try ParquetWriter(path: path, schema: parquetSchema, options: options)
        try writer.write(rowGroup: columns)
        return try writer.close(sync: sync).fileSize
      } catch let error as ParquetError {
        throw DeltaError.dataFile(path: name, reason: error.description)
      }
    }
    let stats = StatisticsCollector.collect(schema: schema.fields, columns: columns, rows: rows)
    return AddFile(
      path: name, size: size, modificationTime: DeltaTable.nowMilliseconds(),
      dataChange: dataChange, stats: stats.jsonString())
  }

  /// One column per schema field, in order, of the field's storage type and equal length;
  /// no nulls in non-nullable columns.
  static func validate(columns: [ParquetColumnValues], schema: DeltaSchema) throws {
    guard columns.count == schema.fields.count else {
      throw DeltaError.schemaMismatch(
        reason: "\(columns.count) columns given, the schema has \(schema.fields.count)")
    }
    let rows = columns.first?.count ?? 0
    for (field, column) in zip(schema.fields, columns) {
      guard let expected = field.type.batchPhysicalType else {
        throw DeltaError.unsupportedType(field: field.name, type: field.type.sparkName)
      }
      guard column.physicalType == expected else {
        throw DeltaError.schemaMismatch(
          reason: "column \(field.name) (\(field.type.sparkName)) needs \(expected) values, "
            + "got \(column.physicalType)")
      }
      guard column.count == rows else {
        throw DeltaError.schemaMismatch(
          reason: "column \(field.name) has \(column.count) rows, expected \(rows)")
      }
      if !field.nullable, column.nullCount > 0 {
        throw DeltaError.schemaMismatch(
          reason: "column \(field.name) is not nullable but has nulls")
      }
    }
  }
}
