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
