/// Writes the RLE / bit-packed hybrid encoding used for definition and repetition levels,
/// dictionary indices and RLE booleans: runs of 8 or more equal values become RLE runs,
/// everything else is bit-packed in groups of 8.
enum RLEHybridEncoder {
  /// Appends the encoding of `values` (each < 2^bitWidth, bitWidth <= 32) to `out`.
  static func encode<T: FixedWidthInteger & UnsignedInteger>(
    _ values: UnsafeBufferPointer<T>, bitWidth: Int, into out: inout [UInt8]
  ) {
    let count = values.count
    var literalStart = 0
    var index = 0
    while index < count {
      let value = values[index]
      var end = index + 1
      while end < count && values[end] == value { end += 1 }
      let run = end - index
      if run >= 8 {
        // Bit-packed groups must hold multiples of 8 values, so the run lends the pending
        // literal section the values it needs to fill its last group.
        let pending = index - literalStart
        let lent = (8 - pending % 8) % 8
        if run - lent >= 8 {
          if pending + lent > 0 {
            bitPack(
              UnsafeBufferPointer(rebasing: values[literalStart..<index + lent]),
              bitWidth: bitWidth,
              into: &out)
          }
          appendRun(UInt64(value), count: run - lent, bitWidth: bitWidth, into: &out)
          literalStart = end
        }
      }
      index = end
    }
    if literalStart < count {
      bitPack(
        UnsafeBufferPointer(rebasing: values[literalStart..<count]), bitWidth: bitWidth, into: &out)
    }
  }

  /// Appends the encoding of `count` copies of `value`.
  static func appendRun(_ value: UInt64, count: Int, bitWidth: Int, into out: inout [UInt8]) {
    appendVarint(UInt64(count) << 1, into: &out)
    var remaining = value
    for _ in 0..<((bitWidth + 7) / 8) {
      out.append(UInt8(truncatingIfNeeded: remaining))
      remaining >>= 8
    }
  }

  /// One bit-packed run holding `values`, zero-padded to a multiple of 8.
  private static func bitPack<T: FixedWidthInteger & UnsignedInteger>(
    _ values: UnsafeBufferPointer<T>, bitWidth: Int, into out: inout [UInt8]
  ) {
    let groups = (values.count + 7) / 8
    appendVarint(UInt64(groups) << 1 | 1, into: &out)
    let byteCount = groups * bitWidth
    let start = out.count
    out.append(contentsOf: repeatElement(0, count: byteCount))
    out.withUnsafeMutableBufferPointer { buffer in
      var target = start
      var accumulator: UInt64 = 0
      var bits = 0
      for value in values {
        accumulator |= UInt64(value) << UInt64(bits)
        bits += bitWidth
        while bits >= 8 {
          buffer[target] = UInt8(truncatingIfNeeded: accumulator)
          target += 1
          accumulator >>= 8
          bits -= 8
        }
      }
      if bits > 0 {
        buffer[target] = UInt8(truncatingIfNeeded: accumulator)
      }
    }
  }

  static func appendVarint(_ value: UInt64, into out: inout [UInt8]) {
    var remaining = value
    while remaining >= 0x80 {
      out.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
      remaining >>= 7
    }
    out.append(UInt8(remaining))
  }

  /// Bits needed to store values up to `maxValue`.
  static func bitWidth(forMax maxValue: Int) -> Int {
    maxValue <= 0 ? 0 : Int.bitWidth - maxValue.leadingZeroBitCount
  }
}
