/// Reads the RLE / bit-packed hybrid encoding from untrusted bytes. Run lengths are
/// clamped to the values still wanted and bit-packed groups are checked against the bytes
/// present, so lying headers yield `ParquetError.corrupt`, never an overrun.
enum RLEHybridDecoder {
  /// Decodes exactly `count` values from `bytes` and appends them to `out`; every value
  /// must be at most `maxValue`. Returns the number of bytes consumed.
  @discardableResult
  static func decode<T: FixedWidthInteger & UnsignedInteger>(
    _ bytes: UnsafeRawBufferPointer, bitWidth: Int, count: Int, maxValue: UInt64,
    into out: inout [T], what: String
  ) throws -> Int {
    guard bitWidth >= 0, bitWidth <= 32 else {
      throw ParquetError.corrupt("\(what): bit width \(bitWidth)")
    }
    out.reserveAdditional(count)
    let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
    var position = 0
    var produced = 0
    while produced < count {
      let header = try readVarint(bytes, &position, what: what)
      if header & 1 == 0 {
        let runLength = header >> 1
        let valueBytes = (bitWidth + 7) / 8
        guard bytes.count - position >= valueBytes else {
          throw ParquetError.corrupt("\(what): truncated RLE run")
        }
        var value: UInt64 = 0
        for index in 0..<valueBytes {
          value |= UInt64(bytes[position + index]) << UInt64(8 * index)
        }
        position += valueBytes
        guard value <= maxValue else {
          throw ParquetError.corrupt("\(what): value \(value) out of range")
        }
        let take = Int(min(runLength, UInt64(count - produced)))
        out.append(contentsOf: repeatElement(T(truncatingIfNeeded: value), count: take))
        produced += take
      } else {
        let groups = header >> 1
        guard groups <= UInt64(Int32.max) else {
          throw ParquetError.corrupt("\(what): bit-packed run too long")
        }
        let declaredBytes = Int(groups) * bitWidth
        let available = min(declaredBytes, bytes.count - position)
        let take = min(Int(groups) * 8, count - produced)
        guard take * bitWidth <= available * 8 else {
          throw ParquetError.corrupt("\(what): truncated bit-packed run")
        }
        var source = position
        var accumulator: UInt64 = 0
        var bits = 0
        var outOfRange = false
        for _ in 0..<take {
          while bits < bitWidth {
            accumulator |= UInt64(bytes[source]) << UInt64(bits)
            source += 1
            bits += 8
          }
          let value = accumulator & mask
          accumulator >>= UInt64(bitWidth)
          bits -= bitWidth
          outOfRange = outOfRange || value > maxValue
          out.append(T(truncatingIfNeeded: value))
        }
        guard !outOfRange else {
          throw ParquetError.corrupt("\(what): bit-packed value out of range")
        }
        produced += take
        position += available
      }
    }
    return position
  }

  private static func readVarint(
    _ bytes: UnsafeRawBufferPointer, _ position: inout Int, what: String
  )
    throws -> UInt64
  {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard position < bytes.count else {
        throw ParquetError.corrupt("\(what): levels or indices end early")
      }
      let byte = bytes[position]
      position += 1
      guard shift < 64 else { throw ParquetError.corrupt("\(what): varint too long") }
      result |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return result }
      shift += 7
    }
  }
}
