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

/// One row group: its rows and a chunk per leaf column.
public struct ParquetRowGroupMetadata: Sendable {
  public let numRows: Int64
  /// Uncompressed size of all the group's column data.
  public let totalByteSize: Int64
  public let columns: [ParquetColumnChunkMetadata]

  /// Compressed size of all the group's column chunks.
  public var compressedSize: Int64 { columns.reduce(0) { $0 + $1.compressedSize } }
}

/// One column chunk's footer entry.
public struct ParquetColumnChunkMetadata: Sendable {
  public let path: [String]
  public let physicalType: ParquetPhysicalType
  /// nil when the file names a codec this library does not know.
  public let compression: ParquetCompression?
  public let encodings: [ParquetEncoding]
  /// Level entries in the chunk (rows, for a non-repeated column), nulls included.
  public let numValues: Int64
  public let compressedSize: Int64
  public let uncompressedSize: Int64
  public let statistics: ParquetStatistics?
  let dataPageOffset: Int64
  let dictionaryPageOffset: Int64?
  let rawCodec: Int32

  init(thrift: ThriftColumnMetaData, descriptor: ParquetColumnDescriptor) {
    path = descriptor.path
    physicalType = descriptor.physicalType
    rawCodec = thrift.codec
    compression = ParquetCompression(rawValue: thrift.codec)
    encodings = thrift.encodings.compactMap { ParquetEncoding(rawValue: $0) }
    numValues = thrift.numValues
    compressedSize = thrift.totalCompressedSize
    uncompressedSize = thrift.totalUncompressedSize
    statistics = thrift.statistics.map {
      ParquetStatistics(
        thrift: $0, physicalType: descriptor.physicalType, logicalType: descriptor.logicalType)
    }
    dataPageOffset = thrift.dataPageOffset
    dictionaryPageOffset = thrift.dictionaryPageOffset
  }
}
