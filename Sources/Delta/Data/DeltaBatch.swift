import Parquet

/// The rows of one data file: the requested columns, in the requested order, as batch columns.
public struct DeltaBatch: Sendable {
  /// The file the rows come from.
  public let file: AddFile
  public let fields: [DeltaField]
  public let columns: [ParquetColumnValues]
  public let rowCount: Int

  /// The column named `name`, if it was requested.
  public func column(named name: String) -> ParquetColumnValues? {
    fields.firstIndex { $0.name == name }.map { columns[$0] }
  }
}
