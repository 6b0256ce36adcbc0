/// A forward-only JSON tokenizer over one record value (RFC 8259 grammar).
///
/// The decoder walks the record with it and fills a `FeatureWrite` directly, without building
/// a tree: strings are returned as byte ranges of the input (validated as UTF-8 and for escape
/// syntax on the way), numbers as scanned tokens. Every method checks bounds against `end`, so
/// no input can read past the buffer.
struct JSONReader {
  /// The deepest nesting `skipValue` accepts; deeper input is an error, not a stack overflow.
  static let maximumDepth = 64

  let base: UnsafePointer<UInt8>
  let end: Int
  var position: Int

  init(base: UnsafePointer<UInt8>, count: Int, position: Int = 0) {
    self.base = base
    self.end = count
    self.position = position
  }

  var isAtEnd: Bool { position >= end }

  /// The byte at the current position; call only when `!isAtEnd`.
  var current: UInt8 { base[position] }

  func syntaxError(_ detail: String) -> DecodeError {
    DecodeError(.invalidJSON, at: "byte \(position)", detail)
  }

  @inline(__always)
  mutating func skipWhitespace() {
    while position < end {
      let byte = base[position]
      guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
      position += 1
    }
  }

  /// Skips whitespace and returns the next byte without consuming it.
  @inline(__always)
  mutating func peek(_ expectation: @autoclosure () -> String) throws(DecodeError) -> UInt8 {
    skipWhitespace()
    guard position < end else {
      throw syntaxError("unexpected end of input, expected \(expectation())")
    }
    return base[position]
  }

  /// Skips whitespace and consumes `byte`.
  @inline(__always)
  mutating func expect(_ byte: UInt8, _ what: @autoclosure () -> String) throws(DecodeError) {
    skipWhitespace()
    guard position < end else { throw syntaxError("unexpected end of input, expected \(what())") }
    guard base[position] == byte else {
      throw syntaxError("expected \(what()), found \(describeByte(base[position]))")
    }
    position += 1
  }

  func describeByte(_ byte: UInt8) -> String {
    if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte 0x" + String(byte, radix: 16, uppercase: true)
  }

  // MARK: Strings

  /// Reads a string whose opening quote is at `position`, validating escapes and UTF-8.
  mutating func readString() throws(DecodeError) -> JSONStringToken {
    position += 1
    let start = position
    var hasEscapes = false
    while true {
      // Eight bytes at a time up to the first quote, backslash, control character or
      // non-ASCII byte. In each test the lowest flagged byte is exact (a borrow can only
      // flag bytes above a real match), so the scan jumps straight to it.
      while position + 8 <= end {
        let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let special =
          ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)
          | ((word &- ones &* 0x20) & ~word) | word
        let flagged = special & highBits
        if flagged != 0 {
          position += flagged.trailingZeroBitCount >> 3
          break
        }
        position += 8
      }
      guard position < end else {
        throw DecodeError(.invalidJSON, at: "byte \(start - 1)", "unterminated string")
      }
      let byte = base[position]
      if byte == 0x22 {
        position += 1
        return JSONStringToken(start: start, count: position - 1 - start, hasEscapes: hasEscapes)
      }
      if byte == 0x5C {
        hasEscapes = true
        try skipEscape()
      } else if byte < 0x20 {
        throw syntaxError("control character \(describeByte(byte)) in string must be escaped")
      } else if byte < 0x80 {
        position += 1
      } else {
        try skipMultiByteScalar()
      }
    }
  }

  /// Validates the escape at `position` (a backslash) and moves past it.
  mutating func skipEscape() throws(DecodeError) {
    guard position + 1 < end else { throw syntaxError("unterminated escape") }
    switch base[position + 1] {
    case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
      position += 2
    case 0x75:
      let unit = try hexUnit(at: position + 2)
      if unit >= 0xD800 && unit < 0xDC00 {
        guard position + 12 <= end, base[position + 6] == 0x5C, base[position + 7] == 0x75
        else {
          throw syntaxError("lone surrogate \\u\(hex4(unit)) (a high surrogate needs a low one)")
        }
        let low = try hexUnit(at: position + 8)
        guard low >= 0xDC00 && low < 0xE000 else {
          throw syntaxError("lone surrogate \\u\(hex4(unit)) followed by \\u\(hex4(low))")
        }
        position += 12
      } else if unit >= 0xDC00 && unit < 0xE000 {
        throw syntaxError("lone surrogate \\u\(hex4(unit)) (a low surrogate without a high one)")
      } else {
        position += 6
      }
    default:
      throw syntaxError("invalid escape \\\(describeByte(base[position + 1]))")
    }
  }

  func hex4(_ unit: UInt32) -> String {
    let digits = String(unit, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  /// The four hexadecimal digits at `offset` as a UTF-16 code unit.
  func hexUnit(at offset: Int) throws(DecodeError) -> UInt32 {
    guard offset + 4 <= end else { throw syntaxError("truncated \\u escape") }
    var unit: UInt32 = 0
    for index in offset..<(offset + 4) {
      let byte = base[index]
      let digit: UInt32
      switch byte {
      case 0x30...0x39: digit = UInt32(byte - 0x30)
      case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
      case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
      default: throw syntaxError("invalid \\u escape: \(describeByte(byte)) is not a hex digit")
      }
      unit = unit << 4 | digit
    }
    return unit
  }

  /// Validates one multi-byte UTF-8 sequence at `position` (RFC 3629: no overlong forms, no
  /// surrogates, nothing above U+10FFFF) and moves past it.
  mutating func skipMultiByteScalar() throws(DecodeError) {
    let lead = base[position]
    let length: Int
    var lower: UInt8 = 0x80
    var upper: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0:
      length = 3
      lower = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED:
      length = 3
      upper = 0x9F
    case 0xF0:
      length = 4
      lower = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4:
      length = 4
      upper = 0x8F
    default:
      throw DecodeError(
        .notUTF8, at: "byte \(position)", "invalid UTF-8 lead byte \(describeByte(lead))")
    }
    guard position + length <= end else {
      throw DecodeError(.notUTF8, at: "byte \(position)", "truncated UTF-8 sequence")
    }
    let second = base[position + 1]
    guard second >= lower && second <= upper else {
      throw DecodeError(.notUTF8, at: "byte \(position)", "invalid UTF-8 sequence")
    }
    for index in 2..<length where base[position + index] & 0xC0 != 0x80 {
      throw DecodeError(.notUTF8, at: "byte \(position)", "invalid UTF-8 sequence")
    }
    position += length
  }

  /// The bytes of a string token, with escapes resolved when it has any.
  func withBytes<Result>(
    of token: JSONStringToken, _ body: (UnsafeBufferPointer<UInt8>) throws(DecodeError) -> Result
  ) throws(DecodeError) -> Result {
    if !token.hasEscapes {
      return try body(UnsafeBufferPointer(start: base + token.start, count: token.count))
    }
    let decoded = unescape(token)
    let outcome = decoded.withUnsafeBufferPointer { bytes in
      Swift.Result { () throws(DecodeError) -> Result in try body(bytes) }
    }
    return try outcome.get()
  }

  /// A string token as a Swift string.
  func string(of token: JSONStringToken) -> String {
    if !token.hasEscapes {
      return String(
        decoding: UnsafeBufferPointer(start: base + token.start, count: token.count), as: UTF8.self)
    }
    return String(decoding: unescape(token), as: UTF8.self)
  }

  /// Resolves the escapes of an already validated string token.
  func unescape(_ token: JSONStringToken) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(token.count)
    var index = token.start
    let stop = token.start + token.count
    while index < stop {
      let byte = base[index]
      guard byte == 0x5C else {
        output.append(byte)
        index += 1
        continue
      }
      let escaped = base[index + 1]
      switch escaped {
      case 0x62: output.append(0x08)
      case 0x66: output.append(0x0C)
      case 0x6E: output.append(0x0A)
      case 0x72: output.append(0x0D)
      case 0x74: output.append(0x09)
      case 0x75:
        // Validated by readString, so the digits and any surrogate pair are well formed.
        var scalar = (try? hexUnit(at: index + 2)) ?? 0xFFFD
        index += 6
        if scalar >= 0xD800 && scalar < 0xDC00 {
          let low = (try? hexUnit(at: index + 2)) ?? 0xDC00
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          index += 6
        }
        appendUTF8(scalar, to: &output)
        continue
      default: output.append(escaped)
      }
      index += 2
    }
    return output
  }

  func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
      output.append(UInt8(scalar))
    case 0x80..<0x800:
      output.append(UInt8(0xC0 | scalar >> 6))
      output.append(UInt8(0x80 | scalar & 0x3F))
    case 0x800..<0x10000:
      output.append(UInt8(0xE0 | scalar >> 12))
      output.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
      output.append(UInt8(0x80 | scalar & 0x3F))
    default:
      output.append(UInt8(0xF0 | scalar >> 18))
      output.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
      output.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
      output.append(UInt8(0x80 | scalar & 0x3F))
    }
  }
}

/// A string in the input: its bytes between the quotes, escapes still in place when
/// `hasEscapes`.
struct JSONStringToken {
  let start: Int
  let count: Int
  let hasEscapes: Bool
}
