import Delta
import Parquet

extension DeltaTable {
  /// The columns of one data file by name: what the tools read rows from.
  func columns(of file: AddFile, snapshot: Snapshot? = nil) throws -> [String: ParquetColumnValues]
  {
    guard let batch = try read(snapshot: snapshot, files: [file]).first else { return [:] }
    var columns: [String: ParquetColumnValues] = [:]
    for (field, column) in zip(batch.fields, batch.columns) { columns[field.name] = column }
    return columns
  }
}
