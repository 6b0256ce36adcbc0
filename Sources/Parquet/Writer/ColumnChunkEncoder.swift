/// One leaf column's share of a row group, ready to encode: its levels and its dense
/// non-null values.
struct LeafBatch {
  /// Definition levels, nil when the column's max definition level is 0.
  var definitionLevels: [UInt8]?
  /// Repetition levels, nil when the column's max repetition level is 0.
  var repetitionLevels: [UInt8]?
  var values: DenseValues
  /// Number of level entries (rows for a non-repeated column).
  var levelCount: Int
  var nullCount: Int
}

/// Encodes one column chunk straight into the file: an optional dictionary page followed
/// by data pages, each compressed with the file's codec; returns the chunk's
/// `ColumnMetaData`. Page bodies are built in one reused buffer, so a chunk costs no
/// fresh memory per page.
struct ColumnChunkEncoder {
  let descriptor: ParquetColumnDescriptor
  let options: ParquetWriterOptions
  let codec: PageCodec
  let sink: FileSink

  func encode(_ leaf: LeafBatch, body: inout [UInt8]) throws -> ThriftColumnMetaData {
    let chunkStart = sink.position
    var metadata = ThriftColumnMetaData()
    metadata.type = descriptor.physicalType.rawValue
    metadata.pathInSchema = descriptor.path
    metadata.codec = options.compression.rawValue
    metadata.numValues = Int64(leaf.levelCount)
    var uncompressedTotal = 0

    let dictionary =
      options.dictionaryEnabled && leaf.values.count > 0
      ? DictionaryBuilder.build(leaf.values, maxDictionaryBytes: options.dictionaryPageSizeLimit)
      : nil
    var encodings: [ParquetEncoding] = [.plain, .rle]
    if let dictionary {
      metadata.dictionaryPageOffset = chunkStart
      body.removeAll(keepingCapacity: true)
      PlainEncoder.append(dictionary.dictionary, range: 0..<dictionary.dictionary.count, to: &body)
      var header = ThriftPageHeader()
      header.type = ThriftPageHeader.dictionaryPage
      header.uncompressedPageSize = Int32(body.count)
      header.dictionaryPage = ThriftDictionaryPageHeader(
        numValues: Int32(dictionary.dictionary.count), encoding: ParquetEncoding.plain.rawValue)
      try body.withUnsafeBytes { raw in
        try codec.compress(raw) { compressed in
          header.compressedPageSize = Int32(compressed.count)
          uncompressedTotal +=
            try writePage(header, UnsafeRawBufferPointer(start: nil, count: 0), compressed)
            + raw.count
        }
      }
      encodings.append(.rleDictionary)
      metadata.statistics =
        StatisticsBuilder.statistics(of: dictionary.dictionary, nullCount: leaf.nullCount).thrift
    } else {
      metadata.statistics =
        StatisticsBuilder.statistics(of: leaf.values, nullCount: leaf.nullCount).thrift
    }
    metadata.dataPageOffset = sink.position
    metadata.encodings = encodings.map(\.rawValue)

    let indexWidth =
      dictionary.map { RLEHybridEncoder.bitWidth(forMax: $0.dictionary.count - 1) } ?? 0
    var levelStart = 0
    var valueStart = 0
    repeat {
      let levelEnd = pageEnd(
        leaf, levelStart: levelStart, valueStart: valueStart,
        indexWidth: dictionary != nil ? indexWidth : nil)
      let valueCount = presentCount(leaf, levelStart..<levelEnd)
      uncompressedTotal += try appendDataPage(
        leaf, levels: levelStart..<levelEnd, values: valueStart..<valueStart + valueCount,
        dictionary: dictionary, indexWidth: indexWidth, body: &body)
      levelStart = levelEnd
      valueStart += valueCount
    } while levelStart < leaf.levelCount

    metadata.totalCompressedSize = sink.position - chunkStart
    metadata.totalUncompressedSize = Int64(uncompressedTotal)
    return metadata
  }

  /// Encodes one data page of `levels` (entries) holding `values` (dense positions) and
  /// appends it; returns its uncompressed size including the header.
  private func appendDataPage(
    _ leaf: LeafBatch, levels: Range<Int>, values: Range<Int>,
    dictionary: DictionaryBuilder.Result?,
    indexWidth: Int, body: inout [UInt8]
  ) throws -> Int {
    let version = options.dataPageVersion
    body.removeAll(keepingCapacity: true)
    body.reserveCapacity(
      16 + levels.count / 4
        + (dictionary != nil
          ? 1 + values.count * indexWidth / 8 : PlainEncoder.size(leaf.values, range: values)))
    let repetitionLength = appendLevels(
      leaf.repetitionLevels, levels, maxLevel: descriptor.maxRepetitionLevel,
      withLengthPrefix: version == .v1, to: &body)
    let definitionLength = appendLevels(
      leaf.definitionLevels, levels, maxLevel: descriptor.maxDefinitionLevel,
      withLengthPrefix: version == .v1, to: &body)
    let levelsLength = body.count
    if let dictionary {
      body.append(UInt8(indexWidth))
      dictionary.indices.withUnsafeBufferPointer {
        RLEHybridEncoder.encode(
          UnsafeBufferPointer(rebasing: $0[values]), bitWidth: indexWidth, into: &body)
      }
    } else {
      PlainEncoder.append(leaf.values, range: values, to: &body)
    }
    let encoding: ParquetEncoding = dictionary != nil ? .rleDictionary : .plain
    var header = ThriftPageHeader()
    header.uncompressedPageSize = Int32(body.count)
    switch version {
    case .v1:
      header.type = ThriftPageHeader.dataPage
      header.dataPage = ThriftDataPageHeader(
        numValues: Int32(levels.count), encoding: encoding.rawValue)
    case .v2:
      header.type = ThriftPageHeader.dataPageV2
      header.dataPageV2 = ThriftDataPageHeaderV2(
        numValues: Int32(levels.count), numNulls: Int32(levels.count - values.count),
        numRows: Int32(rowCount(leaf, levels)), encoding: encoding.rawValue,
        definitionLevelsByteLength: Int32(definitionLength),
        repetitionLevelsByteLength: Int32(repetitionLength), isCompressed: true)
    }
    // v1 compresses the whole body; v2 keeps the levels uncompressed in front.
    let uncompressedPrefix = version == .v1 ? 0 : levelsLength
    return try body.withUnsafeBytes { raw in
      let prefix = UnsafeRawBufferPointer(rebasing: raw[0..<uncompressedPrefix])
      return try codec.compress(UnsafeRawBufferPointer(rebasing: raw[uncompressedPrefix...])) {
        header.compressedPageSize = Int32(prefix.count + $0.count)
        return try writePage(header, prefix, $0) + raw.count
      }
    }
  }

  /// Writes a page header followed by the page's two body parts; returns the header's size.
  private func writePage(
    _ header: ThriftPageHeader, _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer
  ) throws -> Int {
    var writer = ThriftCompactWriter(reservingCapacity: 48)
    header.encode(&writer)
    try writer.bytes.withUnsafeBytes { try sink.write($0) }
    try sink.write(first)
    try sink.write(second)
    return writer.bytes.count
  }

  /// The end of the page starting at `levelStart`: about `dataPageSize` encoded bytes.
  /// Repeated columns stay in one page so that no record straddles two pages.
  private func pageEnd(_ leaf: LeafBatch, levelStart: Int, valueStart: Int, indexWidth: Int?) -> Int
  {
    let remaining = leaf.levelCount - levelStart
    if leaf.repetitionLevels != nil || remaining == 0 { return leaf.levelCount }
    let bytesPerValue: Double
    if let indexWidth {
      bytesPerValue = Double(max(indexWidth, 1)) / 8
    } else {
      let count = leaf.values.count
      bytesPerValue =
        count == 0 ? 1 : Double(PlainEncoder.size(leaf.values, range: 0..<count)) / Double(count)
    }
    let perPage = max(1, Int(Double(options.dataPageSize) / max(bytesPerValue, 0.125)))
    return levelStart + min(remaining, perPage)
  }

  private func presentCount(_ leaf: LeafBatch, _ range: Range<Int>) -> Int {
    guard let levels = leaf.definitionLevels else { return range.count }
    let maxLevel = UInt8(descriptor.maxDefinitionLevel)
    return levels.withUnsafeBufferPointer { buffer in
      var count = 0
      for index in range where buffer[index] == maxLevel { count += 1 }
      return count
    }
  }

  private func rowCount(_ leaf: LeafBatch, _ range: Range<Int>) -> Int {
    guard let levels = leaf.repetitionLevels else { return range.count }
    return levels[range].reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
  }

  /// Appends the RLE-encoded `range` of `levels` (v1: after a 4-byte length); returns the
  /// bytes appended.
  private func appendLevels(
    _ levels: [UInt8]?, _ range: Range<Int>, maxLevel: Int, withLengthPrefix: Bool,
    to out: inout [UInt8]
  ) -> Int {
    guard let levels else { return 0 }
    let start = out.count
    if withLengthPrefix { out.append(contentsOf: [0, 0, 0, 0]) }
    levels.withUnsafeBufferPointer {
      RLEHybridEncoder.encode(
        UnsafeBufferPointer(rebasing: $0[range]),
        bitWidth: RLEHybridEncoder.bitWidth(forMax: maxLevel),
        into: &out)
    }
    if withLengthPrefix {
      let length = UInt32(out.count - start - 4)
      for index in 0..<4 {
        out[start + index] = UInt8(truncatingIfNeeded: length >> UInt32(8 * index))
      }
    }
    return out.count - start
  }
}
