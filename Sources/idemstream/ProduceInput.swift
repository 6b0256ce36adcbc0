import Foundation

/// Reads a file handle line by line in large chunks; lines come without their `\n` (or
/// `\r\n`).
struct LineReader {
  private let handle: FileHandle
  private var buffer: [UInt8] = []
  private var start = 0
  private var atEnd = false

  init(_ handle: FileHandle) { self.handle = handle }

  mutating func next() throws -> [UInt8]? {
    while true {
      if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
        var line = Array(buffer[start..<newline])
        start = newline + 1
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return line
      }
      if atEnd {
        guard start < buffer.count else { return nil }
        let line = Array(buffer[start...])
        start = buffer.count
        return line
      }
      buffer.removeFirst(start)
      start = 0
      let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
      if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
    }
  }
}

/// Finds a feature write's entity key — the values of its top-level `"key"` object, in the
/// order written, joined with `|` — without decoding the rest of the line. Strings give
/// their text, other scalars their JSON literal. `nil` when the line is not a JSON object
/// or has no `"key"` object.
enum EntityKey {
  static func of(_ line: [UInt8]) -> String? {
    var scanner = JSONScanner(line)
    return try? scanner.entityKey()
  }
}

/// Just enough of a JSON reader to walk one object's members and skip values.
private struct JSONScanner {
  struct Malformed: Error {}

  private let bytes: [UInt8]
  private var index = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  mutating func entityKey() throws -> String? {
    var key: String?
    try members { scanner, name in
      if name == "key", key == nil, scanner.peek() == UInt8(ascii: "{") {
        var values: [String] = []
        try scanner.members { inner, _ in values.append(try inner.scalarText()) }
        key = values.joined(separator: "|")
      } else {
        try scanner.skipValue()
      }
    }
    return key
  }

  /// Walks an object, calling `body` positioned at each member's value.
  private mutating func members(_ body: (inout JSONScanner, String) throws -> Void) throws {
    try expect("{")
    if peek() == UInt8(ascii: "}") {
      index += 1
      return
    }
    while true {
      let name = try string()
      try expect(":")
      skipWhitespace()
      try body(&self, name)
      skipWhitespace()
      guard index < bytes.count else { throw Malformed() }
      index += 1
      switch bytes[index - 1] {
      case UInt8(ascii: ","): continue
      case UInt8(ascii: "}"): return
      default: throw Malformed()
      }
    }
  }

  /// A string's text, or any other value's JSON text as written.
  private mutating func scalarText() throws -> String {
    if peek() == UInt8(ascii: "\"") { return try string() }
    let start = index
    try skipValue()
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  private mutating func skipValue() throws {
    switch peek() {
    case UInt8(ascii: "\""): _ = try string()
    case UInt8(ascii: "{"): try members { scanner, _ in try scanner.skipValue() }
    case UInt8(ascii: "["):
      index += 1
      if peek() == UInt8(ascii: "]") {
        index += 1
        return
      }
      while true {
        try skipValue()
        skipWhitespace()
        guard index < bytes.count else { throw Malformed() }
        index += 1
        if bytes[index - 1] == UInt8(ascii: "]") { return }
        guard bytes[index - 1] == UInt8(ascii: ",") else { throw Malformed() }
      }
    case .some:
      // Number or literal: up to the next delimiter.
      let start = index
      while index < bytes.count, !Self.delimiters.contains(bytes[index]) { index += 1 }
      guard index > start else { throw Malformed() }
    case .none: throw Malformed()
    }
  }

  private static let delimiters: Set<UInt8> = Set(",}] \t\r\n".utf8)

  private mutating func string() throws -> String {
    try expect("\"")
    var text: [UInt8] = []
    while index < bytes.count {
      let byte = bytes[index]
      index += 1
      switch byte {
      case UInt8(ascii: "\""): return String(decoding: text, as: UTF8.self)
      case UInt8(ascii: "\\"):
        guard index < bytes.count else { throw Malformed() }
        let escaped = bytes[index]
        index += 1
        switch escaped {
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "u"): text.append(contentsOf: try unicodeEscape())
        default: text.append(escaped)
        }
      default: text.append(byte)
      }
    }
    throw Malformed()
  }

  /// The UTF-8 bytes of a `\uXXXX` escape (with its low surrogate when it has one).
  private mutating func unicodeEscape() throws -> [UInt8] {
    var scalar = try hex4()
    if (0xD800..<0xDC00).contains(scalar), bytes[index...].starts(with: Array("\\u".utf8)) {
      index += 2
      let low = try hex4()
      scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
    }
    guard let unicode = Unicode.Scalar(scalar) else { throw Malformed() }
    return Array(String(Character(unicode)).utf8)
  }

  private mutating func hex4() throws -> UInt32 {
    guard index + 4 <= bytes.count,
      let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
    else { throw Malformed() }
    index += 4
    return value
  }

  private mutating func expect(_ character: Unicode.Scalar) throws {
    skipWhitespace()
    guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { throw Malformed() }
    index += 1
  }

  private mutating func peek() -> UInt8? {
    skipWhitespace()
    return index < bytes.count ? bytes[index] : nil
  }

  private mutating func skipWhitespace() {
    while index < bytes.count, Self.whitespace.contains(bytes[index]) { index += 1 }
  }

  private static let whitespace: Set<UInt8> = Set(" \t\r\n".utf8)
}
