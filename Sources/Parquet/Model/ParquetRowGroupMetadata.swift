/// One row group: its rows and a chunk per leaf column.
public struct ParquetRowGroupMetadata: Sendable {
  public let numRows: Int64
  /// Uncompressed size of all the group's column data.
  public let totalByteSize: Int64
  public let columns: [ParquetColumnChunkMetadata]

  /// Compressed size of all the group's column chunks.
  public var compressedSize: Int64 { columns.reduce(0) { $0 + $1.compressedSize } }
}
