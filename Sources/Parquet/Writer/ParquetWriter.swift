/// Writes a Parquet file: row groups of column batches (`write(rowGroup:)`) or of nested
/// rows (`write(rows:)`), then the footer on `close()`.
///
/// Each row group is encoded and written as soon as it is handed over, so memory holds
/// one row group at a time. The footer is written only by `close()`: a writer dropped
/// without it leaves a file every reader rejects, never one that looks complete.
/// Not thread-safe: one writer belongs to one task.
public final class ParquetWriter {
  public let schema: ParquetSchema
  public let options: ParquetWriterOptions
  private let sink: FileSink
  private let codec: PageCodec
  private var rowGroups: [ThriftRowGroup] = []
  private var numRows: Int64 = 0
  private var closed = false
  /// Page body scratch space, reused by every page of the file.
  private var pageBody: [UInt8] = []

  /// Creates (or truncates) the file at `path` and writes the leading magic number.
  public init(
    path: String, schema: ParquetSchema, options: ParquetWriterOptions = ParquetWriterOptions()
  ) throws {
    guard PageCodec.isWritable(options.compression) else {
      throw ParquetError.invalidArgument("cannot write codec \(options.compression)")
    }
    guard options.maxRowsPerRowGroup > 0, options.dataPageSize > 0 else {
      throw ParquetError.invalidArgument("row group and page sizes must be positive")
    }
    for column in schema.columns
    where ![.boolean, .int32, .int64, .double, .byteArray].contains(column.physicalType) {
      throw ParquetError.unsupported("writing \(column.physicalType) column \(column.name)")
    }
    self.schema = schema
    self.options = options
    self.codec = PageCodec(options.compression, zstdLevel: options.zstdLevel)
    self.sink = try FileSink(path: path)
    try sink.write(ParquetMagic.bytes)
  }

  /// Writes one row group (several, if longer than `maxRowsPerRowGroup`) of a flat schema:
  /// one batch column per schema column, in schema order, all of the same length.
  public func write(rowGroup columns: [ParquetColumnValues]) throws {
    try checkOpen()
    guard schema.isFlat else {
      throw ParquetError.invalidArgument("write(rowGroup:) needs a flat schema; use write(rows:)")
    }
    guard columns.count == schema.columns.count else {
      throw ParquetError.invalidArgument(
        "\(columns.count) columns given, schema has \(schema.columns.count)")
    }
    let rows = columns.first?.count ?? 0
    for (column, descriptor) in zip(columns, schema.columns) {
      guard column.count == rows else {
        throw ParquetError.invalidArgument(
          "column \(descriptor.name) has \(column.count) rows, expected \(rows)")
      }
      guard column.physicalType == descriptor.physicalType else {
        throw ParquetError.invalidArgument(
          "column \(descriptor.name) is \(descriptor.physicalType), values are \(column.physicalType)"
        )
      }
      if let validity = column.validity, validity.count != rows {
        throw ParquetError.invalidArgument(
          "column \(descriptor.name): validity has \(validity.count) entries")
      }
      if descriptor.repetition == .required && column.nullCount > 0 {
        throw ParquetError.invalidArgument("required column \(descriptor.name) has nulls")
      }
    }
    guard rows > 0 else { return }
    var start = 0
    while start < rows {
      let end = min(rows, start + options.maxRowsPerRowGroup)
      let slices = start == 0 && end == rows ? columns : columns.map { $0.slice(start..<end) }
      let leaves = zip(slices, schema.columns).map { column, descriptor in
        let (levels, values) = DenseValues.fromBatch(
          column, optional: descriptor.repetition == .optional)
        return LeafBatch(
          definitionLevels: levels, repetitionLevels: nil, values: values, levelCount: column.count,
          nullCount: column.count - values.count)
      }
      try writeRowGroup(leaves, rows: end - start)
      start = end
    }
  }

  /// Writes `rows` as one row group of any schema this library supports (structs, lists,
  /// maps): each row maps top-level field names to values; a missing name is null.
  public func write(rows: [[String: ParquetValue]]) throws {
    try checkOpen()
    guard !rows.isEmpty else { return }
    var shredder = try RowShredder(schema: schema)
    for (index, row) in rows.enumerated() {
      do {
        try shredder.append(row)
      } catch ParquetError.invalidArgument(let message) {
        throw ParquetError.invalidArgument("row \(index): \(message)")
      }
    }
    try writeRowGroup(shredder.finish(), rows: rows.count)
  }

  /// Writes the footer and closes the file (synced to disk when `sync`); returns what the
  /// footer records, statistics included.
  @discardableResult
  public func close(sync: Bool = true) throws -> ParquetFileMetadata {
    try checkOpen()
    closed = true
    var footer = ThriftFileMetaData()
    footer.schema = SchemaConversion.elements(of: schema)
    footer.numRows = numRows
    footer.rowGroups = rowGroups
    footer.createdBy = options.createdBy
    footer.typeDefinedColumnOrders = schema.columns.count
    if !options.keyValueMetadata.isEmpty {
      footer.keyValueMetadata = options.keyValueMetadata.sorted { $0.key < $1.key }.map {
        ThriftKeyValue(key: $0.key, value: $0.value)
      }
    }
    var writer = ThriftCompactWriter(reservingCapacity: 4096)
    footer.encode(&writer)
    var tail = writer.bytes
    let length = UInt32(tail.count)
    for index in 0..<4 { tail.append(UInt8(truncatingIfNeeded: length >> UInt32(8 * index))) }
    tail.append(contentsOf: ParquetMagic.bytes)
    try sink.write(tail)
    try sink.close(sync: sync)
    return try ParquetFileMetadata(thrift: footer, schema: schema, fileSize: sink.position)
  }

  private func checkOpen() throws {
    guard !closed else { throw ParquetError.invalidArgument("writer for \(sink.path) is closed") }
  }

  private func writeRowGroup(_ leaves: [LeafBatch], rows: Int) throws {
    var group = ThriftRowGroup()
    group.numRows = Int64(rows)
    group.fileOffset = sink.position
    group.ordinal = Int16(truncatingIfNeeded: rowGroups.count)
    var compressed: Int64 = 0
    for (leaf, descriptor) in zip(leaves, schema.columns) {
      let encoder = ColumnChunkEncoder(
        descriptor: descriptor, options: options, codec: codec, sink: sink)
      let start = sink.position
      let metadata = try encoder.encode(leaf, body: &pageBody)
      group.columns.append(ThriftColumnChunk(fileOffset: start, metaData: metadata))
      group.totalByteSize += metadata.totalUncompressedSize
      compressed += metadata.totalCompressedSize
    }
    group.totalCompressedSize = compressed
    rowGroups.append(group)
    numRows += Int64(rows)
  }
}

/// The 4-byte magic number at both ends of a Parquet file.
enum ParquetMagic {
  static let bytes: [UInt8] = Array("PAR1".utf8)
}
