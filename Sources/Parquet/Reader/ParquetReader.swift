/// Reads a Parquet file column by column: opening reads only the footer; each
/// `readColumn` fetches and decodes only the column chunks it needs.
public final class ParquetReader: Sendable {
  public let metadata: ParquetFileMetadata
  private let source: any ParquetByteSource

  public var schema: ParquetSchema { metadata.schema }
  public var numRows: Int64 { metadata.numRows }
  public var rowGroupCount: Int { metadata.rowGroups.count }
  public var keyValueMetadata: [String: String] { metadata.keyValueMetadata }

  /// Opens `path` and decodes its footer; fails with `.notParquet` or `.corrupt` when the
  /// footer cannot be trusted.
  public convenience init(path: String) throws {
    try self.init(source: try FileSource(path: path))
  }

  /// Reads the footer from `source` (a local file, a ranged reader of remote storage).
  public init(source: any ParquetByteSource) throws {
    self.source = source
    let path = source.name
    let size = source.size
    guard size >= 12 else { throw ParquetError.notParquet("\(path) has only \(size) bytes") }
    let head = try source.read(offset: 0, length: 4)
    let tail = try source.read(offset: size - 8, length: 8)
    guard head == ParquetMagic.bytes, Array(tail[4...]) == ParquetMagic.bytes else {
      throw ParquetError.notParquet("\(path) lacks the PAR1 magic number")
    }
    let footerLength = Int64(
      UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
    guard footerLength > 0, footerLength <= size - 12 else {
      throw ParquetError.corrupt("\(path): footer length \(footerLength) does not fit the file")
    }
    let footer = try source.read(offset: size - 8 - footerLength, length: Int(footerLength))
    var reader = ThriftCompactReader(bytes: footer, context: "\(path) footer")
    let thrift = try ThriftFileMetaData.decode(&reader)
    let schema = try SchemaConversion.schema(from: thrift.schema)
    let metadata = try ParquetFileMetadata(thrift: thrift, schema: schema, fileSize: size)
    let groupRows = metadata.rowGroups.reduce(Int64(0)) { $0 &+ $1.numRows }
    guard groupRows == metadata.numRows else {
      throw ParquetError.corrupt(
        "\(path): row groups hold \(groupRows) rows, footer says \(metadata.numRows)")
    }
    self.metadata = metadata
  }

  /// Column `index` of row group `rowGroup` as an Arrow-style batch column.
  public func readColumn(_ index: Int, rowGroup: Int) throws -> ParquetColumnValues {
    try checkColumn(index)
    guard rowGroup >= 0, rowGroup < rowGroupCount else {
      throw ParquetError.invalidArgument("row group \(rowGroup) of \(rowGroupCount)")
    }
    return try batchColumn(decodeLeaf(index, rowGroups: [rowGroup]), index)
  }

  /// Column `index` over all row groups.
  public func readColumn(_ index: Int) throws -> ParquetColumnValues {
    try checkColumn(index)
    return try batchColumn(decodeLeaf(index, rowGroups: Array(0..<rowGroupCount)), index)
  }

  /// The column with dotted path `name`, of one row group or (nil) the whole file.
  public func readColumn(named name: String, rowGroup: Int? = nil) throws -> ParquetColumnValues {
    guard let index = schema.columnIndex(named: name) else {
      throw ParquetError.invalidArgument("no column \(name)")
    }
    if let rowGroup { return try readColumn(index, rowGroup: rowGroup) }
    return try readColumn(index)
  }

  /// The rows of row group `rowGroup`, assembled from all columns (any nesting).
  public func readRows(rowGroup: Int) throws -> [[String: ParquetValue]] {
    guard rowGroup >= 0, rowGroup < rowGroupCount else {
      throw ParquetError.invalidArgument("row group \(rowGroup) of \(rowGroupCount)")
    }
    let leaves = try schema.columns.indices.map { try decodeLeaf($0, rowGroups: [rowGroup]) }
    var assembler = try RowAssembler(schema: schema, leaves: leaves)
    return try assembler.rows(Int(metadata.rowGroups[rowGroup].numRows))
  }

  /// All rows of the file.
  public func readRows() throws -> [[String: ParquetValue]] {
    var rows: [[String: ParquetValue]] = []
    for group in 0..<rowGroupCount { rows.append(contentsOf: try readRows(rowGroup: group)) }
    return rows
  }

  private func checkColumn(_ index: Int) throws {
    guard index >= 0, index < schema.columns.count else {
      throw ParquetError.invalidArgument("column \(index) of \(schema.columns.count)")
    }
  }

  /// Reads and decodes column `index` of `rowGroups`, appending them.
  private func decodeLeaf(_ index: Int, rowGroups: [Int]) throws -> DecodedLeaf {
    let descriptor = schema.columns[index]
    var leaf = DecodedLeaf(
      definitionLevels: descriptor.maxDefinitionLevel > 0 ? [] : nil,
      repetitionLevels: descriptor.maxRepetitionLevel > 0 ? [] : nil,
      values: try ValueAccumulator(descriptor.physicalType), levelCount: 0)
    for group in rowGroups {
      let chunk = metadata.rowGroups[group].columns[index]
      let context = "\(source.name) row group \(group) column \(descriptor.name)"
      guard let compression = chunk.compression, PageCodec.isWritable(compression) else {
        throw ParquetError.unsupported("\(context): codec \(chunk.rawCodec)")
      }
      let rows = metadata.rowGroups[group].numRows
      guard chunk.numValues <= Int64(Int32.max),
        descriptor.maxRepetitionLevel > 0 || chunk.numValues == rows
      else {
        throw ParquetError.corrupt("\(context): \(chunk.numValues) values for \(rows) rows")
      }
      var start = chunk.dataPageOffset
      if let dictionaryOffset = chunk.dictionaryPageOffset, dictionaryOffset > 0,
        dictionaryOffset < start
      {
        start = dictionaryOffset
      }
      guard chunk.compressedSize >= 0, chunk.compressedSize <= Int64(Int32.max) else {
        throw ParquetError.corrupt("\(context): chunk size \(chunk.compressedSize)")
      }
      let bytes = try source.read(offset: start, length: Int(chunk.compressedSize))
      let decoder = ColumnChunkDecoder(
        descriptor: descriptor, codec: PageCodec(compression), context: context)
      try decoder.decode(bytes, levelCount: Int(chunk.numValues), into: &leaf)
    }
    return leaf
  }

  /// Spreads dense values over the rows: nulls get zero / empty slots.
  private func batchColumn(_ leaf: DecodedLeaf, _ index: Int) throws -> ParquetColumnValues {
    let descriptor = schema.columns[index]
    guard descriptor.maxRepetitionLevel == 0 else {
      throw ParquetError.invalidArgument("column \(descriptor.name) is repeated; use readRows")
    }
    guard let levels = leaf.definitionLevels, leaf.values.count < leaf.levelCount else {
      switch leaf.values.values {
      case .boolean(let values): return .boolean(values, validity: nil)
      case .int32(let values): return .int32(values, validity: nil)
      case .int64(let values): return .int64(values, validity: nil)
      case .double(let values): return .double(values, validity: nil)
      case .byteArray(let values): return .byteArray(values, validity: nil)
      }
    }
    let maxLevel = UInt8(descriptor.maxDefinitionLevel)
    let validity = levels.map { $0 == maxLevel }
    func spread<T>(_ dense: [T], _ zero: T) -> [T] {
      var result = [T]()
      result.reserveCapacity(validity.count)
      var next = 0
      for present in validity {
        if present {
          result.append(dense[next])
          next += 1
        } else {
          result.append(zero)
        }
      }
      return result
    }
    switch leaf.values.values {
    case .boolean(let values): return .boolean(spread(values, false), validity: validity)
    case .int32(let values): return .int32(spread(values, 0), validity: validity)
    case .int64(let values): return .int64(spread(values, 0), validity: validity)
    case .double(let values): return .double(spread(values, 0), validity: validity)
    case .byteArray(let values):
      var offsets = [Int32]()
      offsets.reserveCapacity(validity.count + 1)
      offsets.append(0)
      var next = 0
      for present in validity {
        if present { next += 1 }
        offsets.append(values.offsets[next])
      }
      return .byteArray(
        ByteArrayColumn(uncheckedBytes: values.bytes, offsets: offsets), validity: validity)
    }
  }
}
