/// PLAIN encoding: fixed-width values little-endian back to back, booleans bit-packed,
/// byte arrays each prefixed by a 4-byte length.
enum PlainEncoder {
  static func append(_ values: DenseValues, range: Range<Int>, to out: inout [UInt8]) {
    switch values {
    case .boolean(let values): appendBooleans(values, range: range, to: &out)
    case .int32(let values): appendFixed(values, range: range, to: &out)
    case .int64(let values): appendFixed(values, range: range, to: &out)
    case .double(let values): appendFixed(values, range: range, to: &out)
    case .byteArray(let values): appendByteArrays(values, range: range, to: &out)
    }
  }

  /// Encoded size of `range`, to size pages and buffers.
  static func size(_ values: DenseValues, range: Range<Int>) -> Int {
    switch values {
    case .boolean: return (range.count + 7) / 8
    case .int32: return range.count * 4
    case .int64, .double: return range.count * 8
    case .byteArray(let values):
      return Int(values.offsets[range.upperBound] - values.offsets[range.lowerBound]) + 4
        * range.count
    }
  }

  private static func appendFixed<T>(_ values: [T], range: Range<Int>, to out: inout [UInt8]) {
    values.withUnsafeBytes { raw in
      let stride = MemoryLayout<T>.stride
      out.append(
        contentsOf: UnsafeRawBufferPointer(
          rebasing: raw[range.lowerBound * stride..<range.upperBound * stride]))
    }
  }

  private static func appendBooleans(_ values: [Bool], range: Range<Int>, to out: inout [UInt8]) {
    var byte: UInt8 = 0
    var bit: UInt8 = 0
    out.reserveAdditional((range.count + 7) / 8)
    for index in range {
      if values[index] { byte |= 1 << bit }
      bit += 1
      if bit == 8 {
        out.append(byte)
        byte = 0
        bit = 0
      }
    }
    if bit > 0 { out.append(byte) }
  }

  private static func appendByteArrays(
    _ values: ByteArrayColumn, range: Range<Int>, to out: inout [UInt8]
  ) {
    let start = out.count
    let total = size(.byteArray(values), range: range)
    out.append(contentsOf: repeatElement(0, count: total))
    values.bytes.withUnsafeBytes { source in
      values.offsets.withUnsafeBufferPointer { offsets in
        out.withUnsafeMutableBytes { target in
          var position = start
          for index in range {
            let from = Int(offsets[index])
            let length = Int(offsets[index + 1]) - from
            target.storeBytes(
              of: UInt32(length).littleEndian, toByteOffset: position, as: UInt32.self)
            position += 4
            if length > 0 {
              (target.baseAddress! + position).copyMemory(
                from: source.baseAddress! + from, byteCount: length)
              position += length
            }
          }
        }
      }
    }
  }
}
