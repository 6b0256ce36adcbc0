/// A decoded leaf column: levels (nil when the column has none) and dense values.
struct DecodedLeaf {
  var definitionLevels: [UInt8]?
  var repetitionLevels: [UInt8]?
  var values: ValueAccumulator
  var levelCount: Int
}

/// Decodes the pages of one column chunk: dictionary page, data pages v1 and v2, PLAIN,
/// PLAIN_DICTIONARY / RLE_DICTIONARY and RLE booleans, any supported codec. Every length
/// and count from the file is checked before it is used to slice or allocate.
struct ColumnChunkDecoder {
  let descriptor: ParquetColumnDescriptor
  let codec: PageCodec
  let context: String

  func decode(_ chunk: [UInt8], levelCount total: Int, into leaf: inout DecodedLeaf) throws {
    var position = 0
    var dictionary: DenseValues?
    var read = 0
    while read < total {
      guard position < chunk.count else {
        throw ParquetError.corrupt("\(context): chunk ends after \(read) of \(total) values")
      }
      var reader = ThriftCompactReader(
        bytes: chunk, start: position, context: "\(context) page header")
      let header = try ThriftPageHeader.decode(&reader)
      let bodyStart = reader.position
      let bodyLength = Int(header.compressedPageSize)
      guard bodyLength <= chunk.count - bodyStart else {
        throw ParquetError.corrupt("\(context): page of \(bodyLength) bytes runs past the chunk")
      }
      position = bodyStart + bodyLength
      try chunk.withUnsafeBytes { raw in
        let body = UnsafeRawBufferPointer(rebasing: raw[bodyStart..<bodyStart + bodyLength])
        switch header.type {
        case ThriftPageHeader.dictionaryPage:
          guard dictionary == nil, let page = header.dictionaryPage else {
            throw ParquetError.corrupt("\(context): unexpected dictionary page")
          }
          dictionary = try decodeDictionary(
            page, body, uncompressedSize: Int(header.uncompressedPageSize))
        case ThriftPageHeader.dataPage:
          guard let page = header.dataPage else {
            throw ParquetError.corrupt("\(context): data page without header")
          }
          let count = Int(page.numValues)
          guard count <= total - read else {
            throw ParquetError.corrupt("\(context): page claims too many values")
          }
          let data = try codec.decompress(body, uncompressedSize: Int(header.uncompressedPageSize))
          try data.withUnsafeBytes { data in
            var offset = 0
            if descriptor.maxRepetitionLevel > 0 {
              try checkLevelEncoding(page.repetitionLevelEncoding)
              leaf.repetitionLevels!.reserveAdditional(count)
              offset += try prefixedLevels(
                data, from: offset, count: count, max: descriptor.maxRepetitionLevel,
                into: &leaf.repetitionLevels!)
            }
            if descriptor.maxDefinitionLevel > 0 {
              try checkLevelEncoding(page.definitionLevelEncoding)
              offset += try prefixedLevels(
                data, from: offset, count: count, max: descriptor.maxDefinitionLevel,
                into: &leaf.definitionLevels!)
            }
            let present = presentCount(leaf, last: count)
            try decodeValues(
              UnsafeRawBufferPointer(rebasing: data[offset...]), encoding: page.encoding,
              count: present,
              dictionary: dictionary, into: &leaf.values)
          }
          leaf.levelCount += count
          read += count
        case ThriftPageHeader.dataPageV2:
          guard let page = header.dataPageV2 else {
            throw ParquetError.corrupt("\(context): v2 page without header")
          }
          let count = Int(page.numValues)
          guard count <= total - read else {
            throw ParquetError.corrupt("\(context): page claims too many values")
          }
          let repetitionLength = Int(page.repetitionLevelsByteLength)
          let definitionLength = Int(page.definitionLevelsByteLength)
          guard repetitionLength <= body.count, definitionLength <= body.count - repetitionLength
          else {
            throw ParquetError.corrupt("\(context): v2 level lengths exceed the page")
          }
          if descriptor.maxRepetitionLevel > 0 {
            try RLEHybridDecoder.decode(
              UnsafeRawBufferPointer(rebasing: body[0..<repetitionLength]),
              bitWidth: RLEHybridEncoder.bitWidth(forMax: descriptor.maxRepetitionLevel),
              count: count,
              maxValue: UInt64(descriptor.maxRepetitionLevel), into: &leaf.repetitionLevels!,
              what: context)
          }
          if descriptor.maxDefinitionLevel > 0 {
            try RLEHybridDecoder.decode(
              UnsafeRawBufferPointer(
                rebasing: body[repetitionLength..<repetitionLength + definitionLength]),
              bitWidth: RLEHybridEncoder.bitWidth(forMax: descriptor.maxDefinitionLevel),
              count: count,
              maxValue: UInt64(descriptor.maxDefinitionLevel), into: &leaf.definitionLevels!,
              what: context)
          }
          let valuesStart = repetitionLength + definitionLength
          let compressedValues = UnsafeRawBufferPointer(rebasing: body[valuesStart...])
          let valuesSize = Int(header.uncompressedPageSize) - valuesStart
          guard valuesSize >= 0 else {
            throw ParquetError.corrupt("\(context): v2 page sizes disagree")
          }
          let values =
            page.isCompressed && codec.compression != .uncompressed
            ? try codec.decompress(compressedValues, uncompressedSize: valuesSize)
            : Array(compressedValues)
          let present = presentCount(leaf, last: count)
          try values.withUnsafeBytes {
            try decodeValues(
              $0, encoding: page.encoding, count: present, dictionary: dictionary,
              into: &leaf.values)
          }
          leaf.levelCount += count
          read += count
        default:
          break  // index pages and unknown page types carry nothing we need
        }
      }
    }
  }

  private func checkLevelEncoding(_ encoding: Int32) throws {
    guard encoding == ParquetEncoding.rle.rawValue else {
      throw ParquetError.unsupported("\(context): level encoding \(encoding)")
    }
  }

  /// Non-null values among the last `count` level entries.
  private func presentCount(_ leaf: DecodedLeaf, last count: Int) -> Int {
    guard let levels = leaf.definitionLevels else { return count }
    let maxLevel = UInt8(descriptor.maxDefinitionLevel)
    var present = 0
    for level in levels[(levels.count - count)...] where level == maxLevel { present += 1 }
    return present
  }

  /// v1 levels: a 4-byte length, then RLE/bit-packed data. Returns the bytes consumed.
  private func prefixedLevels(
    _ data: UnsafeRawBufferPointer, from offset: Int, count: Int, max: Int,
    into levels: inout [UInt8]
  ) throws -> Int {
    guard data.count - offset >= 4 else {
      throw ParquetError.corrupt("\(context): levels length missing")
    }
    let length = Int(data.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
    guard length <= data.count - offset - 4 else {
      throw ParquetError.corrupt("\(context): levels of \(length) bytes past page end")
    }
    try RLEHybridDecoder.decode(
      UnsafeRawBufferPointer(rebasing: data[offset + 4..<offset + 4 + length]),
      bitWidth: RLEHybridEncoder.bitWidth(forMax: max), count: count, maxValue: UInt64(max),
      into: &levels,
      what: context)
    return 4 + length
  }

  private func decodeDictionary(
    _ page: ThriftDictionaryPageHeader, _ body: UnsafeRawBufferPointer, uncompressedSize: Int
  ) throws -> DenseValues {
    guard
      page.encoding == ParquetEncoding.plain.rawValue
        || page.encoding == ParquetEncoding.plainDictionary.rawValue
    else { throw ParquetError.unsupported("\(context): dictionary encoding \(page.encoding)") }
    let data = try codec.decompress(body, uncompressedSize: uncompressedSize)
    var values = try ValueAccumulator(descriptor.physicalType)
    try data.withUnsafeBytes { _ = try values.appendPlain($0, count: Int(page.numValues)) }
    return values.values
  }

  private func decodeValues(
    _ data: UnsafeRawBufferPointer, encoding: Int32, count: Int, dictionary: DenseValues?,
    into values: inout ValueAccumulator
  ) throws {
    switch ParquetEncoding(rawValue: encoding) {
    case .plain:
      try values.appendPlain(data, count: count)
    case .plainDictionary, .rleDictionary:
      guard count > 0 else { return }
      guard let dictionary, dictionary.count > 0 else {
        throw ParquetError.corrupt("\(context): dictionary-encoded page without a dictionary")
      }
      guard let width = data.first else {
        throw ParquetError.corrupt("\(context): index bit width missing")
      }
      var indices: [UInt32] = []
      try RLEHybridDecoder.decode(
        UnsafeRawBufferPointer(rebasing: data[1...]), bitWidth: Int(width), count: count,
        maxValue: UInt64(dictionary.count - 1), into: &indices,
        what: "\(context) dictionary indices")
      values.appendGathered(dictionary, indices)
    case .rle where descriptor.physicalType == .boolean:
      guard data.count >= 4 else {
        throw ParquetError.corrupt("\(context): RLE boolean length missing")
      }
      let length = Int(data.loadUnaligned(as: UInt32.self).littleEndian)
      guard length <= data.count - 4 else {
        throw ParquetError.corrupt("\(context): RLE booleans past page end")
      }
      var bits: [UInt8] = []
      try RLEHybridDecoder.decode(
        UnsafeRawBufferPointer(rebasing: data[4..<4 + length]), bitWidth: 1, count: count,
        maxValue: 1,
        into: &bits, what: context)
      values.appendBooleans(bits)
    default:
      throw ParquetError.unsupported("\(context): value encoding \(encoding)")
    }
  }
}
