/// What a Parquet footer says about a file: schema, row count, row groups with per-column
/// chunk metadata and statistics, and the key-value metadata.
public struct ParquetFileMetadata: Sendable {
  public let schema: ParquetSchema
  public let numRows: Int64
  public let rowGroups: [ParquetRowGroupMetadata]
  public let keyValueMetadata: [String: String]
  public let createdBy: String?
  /// Size of the whole file in bytes.
  public let fileSize: Int64

  /// Statistics of column `index` merged over all row groups; nil when a row group lacks
  /// them (then no file-level claim can be made).
  public func statistics(column index: Int) -> ParquetStatistics? {
    var merged: ParquetStatistics?
    for group in rowGroups {
      guard index < group.columns.count, let stats = group.columns[index].statistics else {
        return nil
      }
      merged = merged.map { $0.merged(with: stats) } ?? stats
    }
    return merged
  }

  /// Statistics of the column with dotted path `name`, merged over all row groups.
  public func statistics(column name: String) -> ParquetStatistics? {
    schema.columnIndex(named: name).flatMap { statistics(column: $0) }
  }

  init(thrift: ThriftFileMetaData, schema: ParquetSchema, fileSize: Int64) throws {
    self.schema = schema
    self.numRows = thrift.numRows
    self.fileSize = fileSize
    self.createdBy = thrift.createdBy
    var pairs: [String: String] = [:]
    for pair in thrift.keyValueMetadata ?? [] { pairs[pair.key] = pair.value ?? "" }
    self.keyValueMetadata = pairs
    self.rowGroups = try thrift.rowGroups.enumerated().map { index, group in
      guard group.columns.count == schema.columns.count else {
        throw ParquetError.corrupt(
          "row group \(index) has \(group.columns.count) columns, schema has \(schema.columns.count)"
        )
      }
      let columns = try zip(group.columns, schema.columns).map { chunk, descriptor in
        guard let meta = chunk.metaData else {
          throw ParquetError.corrupt("row group \(index) column \(descriptor.name) lacks metadata")
        }
        return ParquetColumnChunkMetadata(thrift: meta, descriptor: descriptor)
      }
      return ParquetRowGroupMetadata(
        numRows: group.numRows, totalByteSize: group.totalByteSize, columns: columns)
    }
  }
}
