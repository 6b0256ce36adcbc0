/// The members of a feature write object, each a bit so that repeats are caught cheaply.
enum TopLevelField: UInt8 {
  case featureGroup = 1
  case key = 2
  case eventTime = 4
  case values = 8
  case idempotencyKey = 16
  case operation = 32

  var name: String {
    switch self {
    case .featureGroup: "feature_group"
    case .key: "key"
    case .eventTime: "event_time"
    case .values: "values"
    case .idempotencyKey: "idempotency_key"
    case .operation: "op"
    }
  }

  @inline(__always)
  init?(reader: JSONReader, token: JSONStringToken) {
    if token.hasEscapes {
      let bytes = reader.unescape(token)
      guard
        let field = bytes.withUnsafeBufferPointer({
          TopLevelField(name: $0.baseAddress!, count: $0.count)
        })
      else { return nil }
      self = field
    } else {
      guard let field = TopLevelField(name: reader.base + token.start, count: token.count) else {
        return nil
      }
      self = field
    }
  }

  /// The field whose name, followed by its closing quote, starts the `available` bytes at
  /// `text` — the common, unescaped spelling, recognised without scanning the string first.
  @inline(__always)
  static func match(at text: UnsafePointer<UInt8>, available: Int) -> (
    field: TopLevelField, length: Int
  )? {
    guard available > 0 else { return nil }
    let field: TopLevelField
    switch text[0] {
    case 0x66: field = .featureGroup
    case 0x6B: field = .key
    case 0x65: field = .eventTime
    case 0x76: field = .values
    case 0x69: field = .idempotencyKey
    case 0x6F: field = .operation
    default: return nil
    }
    let name = field.staticName
    let length = name.utf8CodeUnitCount
    guard length < available, text[length] == 0x22, memoryEquals(name.utf8Start, text, length)
    else { return nil }
    return (field, length)
  }

  var staticName: StaticString {
    switch self {
    case .featureGroup: "feature_group"
    case .key: "key"
    case .eventTime: "event_time"
    case .values: "values"
    case .idempotencyKey: "idempotency_key"
    case .operation: "op"
    }
  }

  @inline(__always)
  init?(name: UnsafePointer<UInt8>, count: Int) {
    @inline(__always)
    func named(_ text: StaticString) -> Bool {
      text.utf8CodeUnitCount == count && memoryEquals(text.utf8Start, name, count)
    }
    switch count {
    case 2 where named("op"): self = .operation
    case 3 where named("key"): self = .key
    case 6 where named("values"): self = .values
    case 10 where named("event_time"): self = .eventTime
    case 13 where named("feature_group"): self = .featureGroup
    case 15 where named("idempotency_key"): self = .idempotencyKey
    default: return nil
    }
  }
}

/// The offset of the first byte that breaks UTF-8 in `bytes`, or nil when it is valid.
func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
  guard let base = bytes.baseAddress else { return nil }
  var reader = JSONReader(base: base, count: bytes.count)
  while !reader.isAtEnd {
    if reader.current < 0x80 {
      reader.position += 1
      continue
    }
    let offset = reader.position
    do { try reader.skipMultiByteScalar() } catch { return offset }
  }
  return nil
}
