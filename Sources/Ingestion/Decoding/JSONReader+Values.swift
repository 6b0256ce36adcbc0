/// A number in the input, scanned once: its text range, whether it is written as an integer,
/// and the parts needed to convert it exactly.
struct JSONNumberToken {
  let start: Int
  let count: Int
  /// No fraction and no exponent.
  let isIntegerLiteral: Bool
  let isNegative: Bool
  /// Up to 19 significant decimal digits.
  let mantissa: UInt64
  /// Whether significant digits beyond the 19th were dropped from `mantissa`.
  let isTruncated: Bool
  /// The value is `mantissa × 10^decimalExponent` (when not truncated).
  let decimalExponent: Int
}

/// The kind of JSON value starting with a given byte, for "expected X, got Y" messages.
enum JSONValueKind: String {
  case object, array, string, number, boolean, null

  init?(leadingByte byte: UInt8) {
    switch byte {
    case 0x7B: self = .object
    case 0x5B: self = .array
    case 0x22: self = .string
    case 0x2D, 0x30...0x39: self = .number
    case 0x74, 0x66: self = .boolean
    case 0x6E: self = .null
    default: return nil
    }
  }
}

extension JSONReader {
  // MARK: Numbers

  /// Reads a number starting at `position` (RFC 8259 number grammar).
  mutating func readNumber() throws(DecodeError) -> JSONNumberToken {
    let start = position
    var index = position
    var isNegative = false
    if index < end && base[index] == 0x2D {
      isNegative = true
      index += 1
    }
    guard index < end, isDigit(base[index]) else {
      position = index
      throw syntaxError("invalid number: a digit must follow '-'")
    }
    var mantissa: UInt64 = 0
    var significantDigits = 0
    var isTruncated = false
    var decimalExponent = 0
    if base[index] == 0x30 {
      index += 1
      if index < end && isDigit(base[index]) {
        position = index
        throw syntaxError("invalid number: leading zeros are not allowed")
      }
    } else {
      while index < end && isDigit(base[index]) {
        if significantDigits < 19 {
          mantissa = mantissa &* 10 &+ UInt64(base[index] &- 0x30)
          significantDigits += 1
        } else {
          isTruncated = true
          decimalExponent += 1
        }
        index += 1
      }
    }
    var isIntegerLiteral = true
    if index < end && base[index] == 0x2E {
      isIntegerLiteral = false
      index += 1
      guard index < end, isDigit(base[index]) else {
        position = index
        throw syntaxError("invalid number: a digit must follow '.'")
      }
      while index < end && isDigit(base[index]) {
        let digit = UInt64(base[index] &- 0x30)
        if mantissa == 0 && digit == 0 {
          decimalExponent -= 1
        } else if significantDigits < 19 {
          mantissa = mantissa &* 10 &+ digit
          significantDigits += 1
          decimalExponent -= 1
        } else {
          isTruncated = true
        }
        index += 1
      }
    }
    if index < end && (base[index] | 0x20) == 0x65 {
      isIntegerLiteral = false
      index += 1
      var exponentIsNegative = false
      if index < end && (base[index] == 0x2B || base[index] == 0x2D) {
        exponentIsNegative = base[index] == 0x2D
        index += 1
      }
      guard index < end, isDigit(base[index]) else {
        position = index
        throw syntaxError("invalid number: a digit must follow the exponent marker")
      }
      var exponent = 0
      while index < end && isDigit(base[index]) {
        if exponent < 1_000_000 { exponent = exponent * 10 + Int(base[index] &- 0x30) }
        index += 1
      }
      decimalExponent += exponentIsNegative ? -exponent : exponent
    }
    position = index
    return JSONNumberToken(
      start: start, count: index - start, isIntegerLiteral: isIntegerLiteral,
      isNegative: isNegative,
      mantissa: mantissa, isTruncated: isTruncated, decimalExponent: decimalExponent)
  }

  @inline(__always)
  func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

  /// The number's text, for error messages (shortened when long).
  func text(of token: JSONNumberToken) -> String {
    let shown = min(token.count, 40)
    let text = String(
      decoding: UnsafeBufferPointer(start: base + token.start, count: shown), as: UTF8.self)
    return shown < token.count ? text + "…" : text
  }

  /// The token as an Int64 when it is an integer literal within range.
  func int64(of token: JSONNumberToken) -> Int64? {
    guard token.isIntegerLiteral, !token.isTruncated else { return nil }
    if token.isNegative {
      guard token.mantissa <= UInt64(Int64.max) + 1 else { return nil }
      return token.mantissa == UInt64(Int64.max) + 1 ? Int64.min : -Int64(token.mantissa)
    }
    guard token.mantissa <= UInt64(Int64.max) else { return nil }
    return Int64(token.mantissa)
  }

  /// The token as the nearest Double (correctly rounded), or nil when it overflows to infinity.
  func double(of token: JSONNumberToken) -> Double? {
    // Exact fast path: a mantissa below 2^53 and a power of ten below 10^23 are both exact
    // doubles, so one IEEE multiplication or division rounds correctly.
    if !token.isTruncated && token.mantissa <= 1 << 53 && token.decimalExponent >= -22
      && token.decimalExponent <= 22
    {
      var value = Double(token.mantissa)
      let power = powersOfTen[abs(token.decimalExponent)]
      value = token.decimalExponent < 0 ? value / power : value * power
      return token.isNegative ? -value : value
    }
    let text = String(
      decoding: UnsafeBufferPointer(start: base + token.start, count: token.count), as: UTF8.self)
    guard let value = Double(text), value.isFinite else { return nil }
    return value
  }

  // MARK: Literals and skipping

  /// Reads `true`, `false` or `null` at `position`; returns the value (nil for null).
  mutating func readLiteral() throws(DecodeError) -> Bool? {
    if matches("true") {
      position += 4
      return true
    }
    if matches("false") {
      position += 5
      return false
    }
    if matches("null") {
      position += 4
      return nil
    }
    // A misspelt literal (`nul`, `tru`) is named as the literal it starts like.
    let literal: String? =
      switch base[position] {
      case 0x6E: "null"
      case 0x74: "true"
      case 0x66: "false"
      default: nil
      }
    guard let literal else { throw syntaxError("unexpected \(describeByte(base[position]))") }
    throw syntaxError("invalid literal, expected \(literal)")
  }

  func matches(_ literal: StaticString) -> Bool {
    let count = literal.utf8CodeUnitCount
    guard position + count <= end else { return false }
    let bytes = literal.utf8Start
    for index in 0..<count where base[position + index] != bytes[index] { return false }
    return true
  }

  /// Validates and skips one complete value of any kind, nested up to `maximumDepth`
  /// containers (the `depth` already entered counts towards it). A bit stack records whether
  /// each open container is an object, so no memory is allocated whatever the input.
  mutating func skipValue(depth: Int = 0) throws(DecodeError) {
    var objectBits: UInt64 = 0
    var nesting = 0
    parseValue: while true {
      let byte = try peek("a value")
      switch byte {
      case 0x7B, 0x5B:
        guard depth + nesting < JSONReader.maximumDepth else {
          throw DecodeError(
            .tooDeep, at: "byte \(position)",
            "nesting deeper than \(JSONReader.maximumDepth) levels")
        }
        let isObject = byte == 0x7B
        objectBits = objectBits << 1 | (isObject ? 1 : 0)
        nesting += 1
        position += 1
        let next = try peek(isObject ? "a key or '}'" : "a value or ']'")
        if next == (isObject ? 0x7D : 0x5D) {
          position += 1
          objectBits >>= 1
          nesting -= 1
        } else {
          if isObject { try readMemberName() }
          continue parseValue
        }
      case 0x22: _ = try readString()
      case 0x2D, 0x30...0x39: _ = try readNumber()
      default: _ = try readLiteral()
      }
      // After a value: close containers or move to the next element.
      while nesting > 0 {
        let isObject = objectBits & 1 == 1
        let next = try peek(isObject ? "',' or '}'" : "',' or ']'")
        position += 1
        if next == 0x2C {
          if isObject { try readMemberName() }
          continue parseValue
        }
        guard next == (isObject ? 0x7D : 0x5D) else {
          position -= 1
          throw syntaxError(
            "expected \(isObject ? "',' or '}'" : "',' or ']'"), found \(describeByte(next))")
        }
        objectBits >>= 1
        nesting -= 1
      }
      return
    }
  }

  /// Reads `"name" :` inside an object, leaving the position at the value.
  mutating func readMemberName() throws(DecodeError) {
    guard try peek("a key") == 0x22 else {
      throw syntaxError("expected a string key, found \(describeByte(base[position]))")
    }
    _ = try readString()
    try expect(0x3A, "':'")
  }
}

let powersOfTen: [Double] = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
]
