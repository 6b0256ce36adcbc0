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

/// Encodes one column chunk: an optional dictionary page followed by data pages, each
/// compressed with the file's codec, plus the chunk's `ColumnMetaData`.
struct ColumnChunkEncoder {
  let descriptor: ParquetColumnDescriptor
  let options: ParquetWriterOptions
  let codec: PageCodec

  /// Encodes `leaf`; the returned metadata's offsets assume the chunk starts at `fileOffset`.
  func encode(_ leaf: LeafBatch, fileOffset: Int64) throws -> (
    bytes: [UInt8], metadata: ThriftColumnMetaData
  ) {
    var out: [UInt8] = []
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
      metadata.dictionaryPageOffset = fileOffset
      var body: [UInt8] = []
      PlainEncoder.append(dictionary.dictionary, range: 0..<dictionary.dictionary.count, to: &body)
      let compressed = try body.withUnsafeBytes { try codec.compress($0) }
      var header = ThriftPageHeader()
      header.type = ThriftPageHeader.dictionaryPage
      header.uncompressedPageSize = Int32(body.count)
      header.compressedPageSize = Int32(compressed.count)
      header.dictionaryPage = ThriftDictionaryPageHeader(
        numValues: Int32(dictionary.dictionary.count), encoding: ParquetEncoding.plain.rawValue)
      uncompressedTotal += appendPage(header, compressed, to: &out) + body.count
      encodings.append(.rleDictionary)
      metadata.statistics =
        StatisticsBuilder.statistics(of: dictionary.dictionary, nullCount: leaf.nullCount).thrift
    } else {
      metadata.statistics =
        StatisticsBuilder.statistics(of: leaf.values, nullCount: leaf.nullCount).thrift
    }
    metadata.dataPageOffset = fileOffset + Int64(out.count)
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
        dictionary: dictionary, indexWidth: indexWidth, to: &out)
      levelStart = levelEnd
      valueStart += valueCount
    } while levelStart < leaf.levelCount

    metadata.totalCompressedSize = Int64(out.count)
    metadata.totalUncompressedSize = Int64(uncompressedTotal)
    return (out, metadata)
  }

  /// Encodes one data page of `levels` (entries) holding `values` (dense positions) and
  /// appends it; returns its uncompressed size including the header.
  private func appendDataPage(
    _ leaf: LeafBatch, levels: Range<Int>, values: Range<Int>,
    dictionary: DictionaryBuilder.Result?,
    indexWidth: Int, to out: inout [UInt8]
  ) throws -> Int {
    let version = options.dataPageVersion
    var body: [UInt8] = []
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
    let compressed: [UInt8]
    switch version {
    case .v1:
      compressed = try body.withUnsafeBytes { try codec.compress($0) }
      header.type = ThriftPageHeader.dataPage
      header.dataPage = ThriftDataPageHeader(
        numValues: Int32(levels.count), encoding: encoding.rawValue)
    case .v2:
      // v2 keeps the levels uncompressed in front of the compressed values.
      var page = Array(body[0..<levelsLength])
      try body.withUnsafeBytes {
        page.append(
          contentsOf: try codec.compress(UnsafeRawBufferPointer(rebasing: $0[levelsLength...])))
      }
      compressed = page
      header.type = ThriftPageHeader.dataPageV2
      header.dataPageV2 = ThriftDataPageHeaderV2(
        numValues: Int32(levels.count), numNulls: Int32(levels.count - values.count),
        numRows: Int32(rowCount(leaf, levels)), encoding: encoding.rawValue,
        definitionLevelsByteLength: Int32(definitionLength),
        repetitionLevelsByteLength: Int32(repetitionLength), isCompressed: true)
    }
    header.compressedPageSize = Int32(compressed.count)
    return appendPage(header, compressed, to: &out) + body.count
  }

  /// Appends header and body; returns the header's size.
  private func appendPage(_ header: ThriftPageHeader, _ body: [UInt8], to out: inout [UInt8]) -> Int
  {
    var writer = ThriftCompactWriter(reservingCapacity: 48)
    header.encode(&writer)
    out.append(contentsOf: writer.bytes)
    out.append(contentsOf: body)
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
